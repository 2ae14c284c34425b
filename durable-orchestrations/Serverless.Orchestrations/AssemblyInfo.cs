using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("Serverless.Orchestrations.IntegrationTests")]
