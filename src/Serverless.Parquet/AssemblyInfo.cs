using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("Serverless.Parquet.Tests")]
[assembly: InternalsVisibleTo("Serverless.Parquet.IntegrationTests")]
[assembly: InternalsVisibleTo("Serverless.Bench")]
[assembly: InternalsVisibleTo("Serverless.Delta")]
