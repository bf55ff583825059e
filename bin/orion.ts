console.log('orion cli', process.argv.slice(2));
