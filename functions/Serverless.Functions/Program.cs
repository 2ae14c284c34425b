using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;
using Serverless.Functions;

await FunctionAppServices.Configure(FunctionsApplication.CreateBuilder(args)).Build().RunAsync().ConfigureAwait(false);
