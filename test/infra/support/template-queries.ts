/**
 * Queries over a synthesized template the infra tests share: resources by type, a function by
 * its physical name, the inline IAM statements of a function's role, the names at the end of
 * MSK IAM resource ARNs, and statements rendered as flat strings with the expected DynamoDB grant.
 */
import type { Template } from 'aws-cdk-lib/assertions';

/** A template resource, as the tests read it. */
export type Resource = {
  Type: string;
  Properties: Record<string, unknown>;
  DeletionPolicy?: string;
  DependsOn?: string[];
};

/** An IAM policy statement of a template. */
export type Statement = { Sid?: string; Action: string | string[]; Resource: unknown };

/** Every resource of `type`, by logical id. */
export function resourcesOf(template: Template, type: string): Record<string, Resource> {
  return template.findResources(type) as Record<string, Resource>;
}

/**
 * The function whose `FunctionName` is `name`, with its logical id; throws when there is none.
 * @example functionNamed(template, 'orion-dev-validation')
 */
export function functionNamed(template: Template, name: string): [string, Resource] {
  const found = Object.entries(resourcesOf(template, 'AWS::Lambda::Function')).find(
    ([, r]) => r.Properties.FunctionName === name,
  );
  if (!found) throw new Error(`no function named ${name}`);
  return found;
}

/** Every policy statement attached (inline) to the role of a function resource. */
export function statementsOf(template: Template, fn: Resource): Statement[] {
  const roleId = (fn.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
  return Object.values(resourcesOf(template, 'AWS::IAM::Policy'))
    .filter((p) => (p.Properties.Roles as Array<{ Ref: string }>).some((r) => r.Ref === roleId))
    .flatMap((p) => (p.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
}

/** The literal suffix of each MSK IAM resource ARN built with `Fn::Join` (`…/<name>`). */
export function arnSuffixes(resource: unknown): string[] {
  const list = Array.isArray(resource) ? resource : [resource];
  return list.map((r) => {
    const parts = (r as { 'Fn::Join': [string, unknown[]] })['Fn::Join']?.[1] ?? [r];
    const last = parts[parts.length - 1];
    return typeof last === 'string' ? last : JSON.stringify(last);
  });
}

/**
 * A template value (an IAM resource, an ARN) as one readable string: `Ref`s become `<Name>`
 * (`<AWS::Region>`), `Fn::GetAtt` `<Id.Attribute>`, the cluster name and UUID cut out of an ARN
 * with `Fn::Select`/`Fn::Split` `<clusterName>` / `<clusterUuid>`, and `Fn::Join` joins them.
 * @example renderValue(statement.Resource) // 'arn:<AWS::Partition>:kafka:<AWS::Region>:<AWS::AccountId>:topic/<clusterName>/<clusterUuid>/orders'
 */
export function renderValue(value: unknown): string {
  if (typeof value === 'string') return value;
  const v = value as Record<string, unknown>;
  if ('Ref' in v) return `<${String(v.Ref)}>`;
  if ('Fn::GetAtt' in v) return `<${(v['Fn::GetAtt'] as string[]).join('.')}>`;
  if ('Fn::Join' in v) {
    const [sep, parts] = v['Fn::Join'] as [string, unknown[]];
    return parts.map(renderValue).join(sep);
  }
  if ('Fn::Select' in v) {
    const [index, list] = v['Fn::Select'] as [number, Record<string, unknown>];
    if ('Fn::Split' in list && index === 1) return '<clusterName>';
    if ('Fn::Split' in list && index === 2) return '<clusterUuid>';
  }
  return JSON.stringify(value);
}

/** A statement as the assertions compare it: actions and resources as flat lists of strings. */
export interface RenderedStatement {
  readonly Sid?: string;
  readonly Action: string[];
  readonly Resource: string[];
}

/** The inline IAM statements of the function named `name`, rendered ({@link renderValue}). */
export function renderedStatements(template: Template, name: string): RenderedStatement[] {
  return statementsOf(template, functionNamed(template, name)[1]).map((s) => ({
    ...(s.Sid ? { Sid: s.Sid } : {}),
    Action: [s.Action].flat(),
    Resource: [s.Resource].flat().map(renderValue),
  }));
}

/** The ARN of an MSK topic or group as {@link renderValue} renders it. */
export const renderedMskArn = (kind: 'topic' | 'group', name: string) =>
  `arn:<AWS::Partition>:kafka:<AWS::Region>:<AWS::AccountId>:${kind}/<clusterName>/<clusterUuid>/${name}`;

/**
 * CDK's `grantReadWriteData` on one table without index (what `access: 'read-write'` grants),
 * for the rendered table ARN `tableArn`.
 */
export function tableReadWrite(tableArn: string): RenderedStatement[] {
  return [
    {
      Action: [
        'dynamodb:BatchGetItem',
        'dynamodb:Query',
        'dynamodb:GetItem',
        'dynamodb:Scan',
        // TransactWriteItems is authorized action by action: Put, Update, Delete, ConditionCheck
        // ("Using IAM with DynamoDB transactions", transaction-apis-iam.html).
        'dynamodb:ConditionCheckItem',
        'dynamodb:BatchWriteItem',
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
        'dynamodb:DeleteItem',
        'dynamodb:DescribeTable',
      ],
      Resource: [tableArn],
    },
    { Action: ['dynamodb:GetRecords', 'dynamodb:GetShardIterator'], Resource: [tableArn] },
  ];
}
