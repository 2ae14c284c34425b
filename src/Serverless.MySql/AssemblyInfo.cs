using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("Serverless.MySql.Tests")]
[assembly: InternalsVisibleTo("Serverless.MySql.IntegrationTests")]
[assembly: InternalsVisibleTo("Serverless.Bench")]
