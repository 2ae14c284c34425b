using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("Serverless.Cdc.Tests")]
[assembly: InternalsVisibleTo("Serverless.Cdc.IntegrationTests")]
[assembly: InternalsVisibleTo("Serverless.Bench")]
