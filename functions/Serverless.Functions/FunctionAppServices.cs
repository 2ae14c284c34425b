using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Serverless.Functions.Durable;
using Serverless.Orchestrations.JobApi;

namespace Serverless.Functions;

/// <summary>How the worker is put together (what Program.cs runs), separate so tests can build the same container.</summary>
public static class FunctionAppServices
{
    public static FunctionsApplicationBuilder Configure(FunctionsApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);

        // HTTP triggers get ASP.NET Core's HttpRequest and IActionResult (the ASP.NET Core integration).
        builder.ConfigureFunctionsWebApplication();

        // Telemetry from the worker itself (the host sends its own); the connection and its Entra ID authentication come
        // from the APPLICATIONINSIGHTS_* app settings infra/ sets.
        builder.Services.AddApplicationInsightsTelemetryWorkerService().ConfigureFunctionsApplicationInsights();

        // Application Insights' logger provider comes with a rule that drops everything below Warning; host.json's log
        // levels are meant to decide instead.
        builder.Services.Configure<LoggerFilterOptions>(options =>
        {
            var defaultRule = options.Rules.FirstOrDefault(rule => rule.ProviderName == "Microsoft.Extensions.Logging.ApplicationInsights.ApplicationInsightsLoggerProvider");
            if (defaultRule is not null)
            {
                options.Rules.Remove(defaultRule);
            }
        });

        // The same registration as every host of the pipeline: state store, job spec catalog, job API.
        var configuration = builder.Configuration;
        builder.Services.AddServerlessCdc(ServerlessCdcOptions.FromAppSettings(name => configuration[name]));

        // StartJob's activities find their job's environment (spec, source, lake) from the catalog the API writes to.
        builder.Services.AddSingleton<JobEnvironments>();
        return builder;
    }
}
