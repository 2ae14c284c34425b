using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("Serverless.Durable.Tests")]
[assembly: InternalsVisibleTo("Serverless.Durable.IntegrationTests")]
[assembly: InternalsVisibleTo("Serverless.Bench")]
