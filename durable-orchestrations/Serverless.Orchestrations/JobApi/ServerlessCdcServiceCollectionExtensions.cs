using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Serverless.Cdc.JobCatalog;
using Serverless.Storage.State;

namespace Serverless.Orchestrations.JobApi;

/// <summary>The services every host of the pipeline registers the same way (the function app's Program.cs calls this).</summary>
public static class ServerlessCdcServiceCollectionExtensions
{
    /// <summary>
    /// Registers the state store (job specs and job state), the job spec catalog and the job API. The state store is
    /// opened on first use, so a missing or malformed setting fails the first call with the setting's name and fix.
    /// </summary>
    public static IServiceCollection AddServerlessCdc(this IServiceCollection services, ServerlessCdcOptions options)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        services.TryAddSingleton(options);
        services.TryAddSingleton<IStateStore>(sp => sp.GetRequiredService<ServerlessCdcOptions>().OpenStateStore());
        services.TryAddSingleton(sp => new JobSpecCatalog(sp.GetRequiredService<IStateStore>()));
        services.TryAddSingleton<JobApiService>();
        return services;
    }
}
