/**
 * The network ORION runs in: a new VPC with private subnets only and the VPC endpoints the
 * functions and the Kafka event source mappings need, or an existing VPC imported without any
 * lookup (`Vpc.fromVpcAttributes`), so synthesis never needs AWS credentials.
 */
import { Annotations, aws_ec2 as ec2, RemovalPolicy } from 'aws-cdk-lib';
import { Construct } from 'constructs';

/** Properties of {@link OrionNetwork}. */
export interface OrionNetworkProps {
  /**
   * Availability zones of the new VPC.
   * @default two AZs of the stack's region (`Fn::GetAZs`, resolved at deploy time)
   */
  readonly availabilityZones?: readonly string[];
  /**
   * An existing VPC to use instead of creating one; its private subnets must reach the brokers.
   * @default a new VPC
   */
  readonly existing?: {
    readonly vpcId: string;
    readonly availabilityZones: readonly string[];
    readonly privateSubnetIds: readonly string[];
  };
  /**
   * Create the VPC endpoints the stack's functions need (Lambda and STS for MSK event source
   * mappings in private subnets, Keyspaces, DynamoDB). Set to false when the imported VPC has
   * them or a NAT gateway.
   * @default true for a new VPC, false for an imported one
   */
  readonly createEndpoints?: boolean;
}

/** A VPC, its private subnets, and the security group the stack's functions share. */
export class OrionNetwork extends Construct {
  readonly vpc: ec2.IVpc;
  /** Private subnets for the cluster, the functions and the endpoints. */
  readonly subnets: ec2.SubnetSelection;
  /** Security group of every ORION function (egress only). */
  readonly functionsSecurityGroup: ec2.SecurityGroup;

  constructor(scope: Construct, id: string, props: OrionNetworkProps = {}) {
    super(scope, id);
    if (props.existing) {
      this.vpc = ec2.Vpc.fromVpcAttributes(this, 'Vpc', {
        vpcId: props.existing.vpcId,
        availabilityZones: [...props.existing.availabilityZones],
        privateSubnetIds: [...props.existing.privateSubnetIds],
      });
      // Nothing in ORION adds routes: the imported subnets' route tables are never needed.
      Annotations.of(this).acknowledgeWarning(
        '@aws-cdk/aws-ec2:noSubnetRouteTableId',
        'ORION adds no routes',
      );
    } else {
      const vpc = new ec2.Vpc(this, 'Vpc', {
        ipAddresses: ec2.IpAddresses.cidr('10.42.0.0/16'),
        availabilityZones: props.availabilityZones ? [...props.availabilityZones] : undefined,
        maxAzs: props.availabilityZones ? undefined : 2,
        natGateways: 0,
        subnetConfiguration: [{ name: 'private', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 20 }],
      });
      // Rejected traffic is what matters when a broker or an endpoint is unreachable.
      const flowLogs = new ec2.FlowLog(this, 'FlowLogs', {
        resourceType: ec2.FlowLogResourceType.fromVpc(vpc),
        trafficType: ec2.FlowLogTrafficType.REJECT,
      });
      flowLogs.applyRemovalPolicy(RemovalPolicy.DESTROY);
      this.vpc = vpc;
    }
    this.subnets = props.existing
      ? { subnets: this.vpc.privateSubnets }
      : { subnetType: ec2.SubnetType.PRIVATE_ISOLATED };
    this.functionsSecurityGroup = new ec2.SecurityGroup(this, 'FunctionsSecurityGroup', {
      vpc: this.vpc,
      description: 'ORION functions: egress to the Kafka brokers and the VPC endpoints',
      allowAllOutbound: true,
    });
    if (props.createEndpoints ?? !props.existing) this.addEndpoints();
  }

  private addEndpoints(): void {
    this.vpc.addGatewayEndpoint('DynamoDbEndpoint', {
      service: ec2.GatewayVpcEndpointAwsService.DYNAMODB,
      subnets: [this.subnets],
    });
    const interfaceEndpoints: Record<string, ec2.InterfaceVpcEndpointAwsService> = {
      // MSK event source mappings in private subnets without NAT call Lambda and STS.
      LambdaEndpoint: ec2.InterfaceVpcEndpointAwsService.LAMBDA,
      StsEndpoint: ec2.InterfaceVpcEndpointAwsService.STS,
      // Amazon Keyspaces (port 9142, TLS) for the storage function.
      KeyspacesEndpoint: ec2.InterfaceVpcEndpointAwsService.KEYSPACES,
    };
    for (const [id, service] of Object.entries(interfaceEndpoints)) {
      const endpoint = this.vpc.addInterfaceEndpoint(id, { service, subnets: this.subnets, open: false });
      endpoint.connections.allowFrom(ec2.Peer.ipv4(this.vpc.vpcCidrBlock), endpointPort(service));
    }
  }
}

function endpointPort(service: ec2.InterfaceVpcEndpointAwsService): ec2.Port {
  return service === ec2.InterfaceVpcEndpointAwsService.KEYSPACES ? ec2.Port.tcp(9142) : ec2.Port.tcp(443);
}
