using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("Serverless.Delta.Tests")]
[assembly: InternalsVisibleTo("Serverless.Delta.IntegrationTests")]
[assembly: InternalsVisibleTo("Serverless.Bench")]
