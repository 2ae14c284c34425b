using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("Serverless.Storage.Tests")]
[assembly: InternalsVisibleTo("Serverless.Storage.IntegrationTests")]
[assembly: InternalsVisibleTo("Serverless.Bench")]
