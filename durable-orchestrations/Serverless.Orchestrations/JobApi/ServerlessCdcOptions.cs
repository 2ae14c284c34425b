using Serverless.Cdc.Hosting;
using Serverless.Orchestrations.Hosting;
using Serverless.Storage.State;

namespace Serverless.Orchestrations.JobApi;

/// <summary>What <see cref="ServerlessCdcServiceCollectionExtensions.AddServerlessCdc"/> registers services over.</summary>
public sealed record ServerlessCdcOptions
{
    /// <summary>
    /// The state store of job specs and job state: an https Table URL, a storage connection string with <c>Table=</c>, or
    /// a local folder (see <see cref="StateStoreLocation"/>). On Azure the app setting <see cref="AppSettingNames.StateTableUrl"/>.
    /// </summary>
    public string? StateLocation { get; init; }

    /// <summary>A state store the host opened itself (the local host's <c>{state}/jobs</c> folder); wins over <see cref="StateLocation"/>.</summary>
    public IStateStore? StateStore { get; init; }

    /// <summary>Chunks of one table grouped into one Delta commit by the StartJob instances the API starts.</summary>
    public int ChunksPerCommit { get; init; } = new JobRunnerOptions().ChunksPerCommit;

    /// <summary>The options a host's app settings give; <paramref name="setting"/> reads one by name.</summary>
    public static ServerlessCdcOptions FromAppSettings(Func<string, string?> setting)
    {
        ArgumentNullException.ThrowIfNull(setting);
        return new ServerlessCdcOptions { StateLocation = setting(AppSettingNames.StateTableUrl) };
    }

    internal IStateStore OpenStateStore()
    {
        if (StateStore is not null)
        {
            return StateStore;
        }

        if (string.IsNullOrWhiteSpace(StateLocation))
        {
            throw new InvalidOperationException(
                $"The app setting {AppSettingNames.StateTableUrl} is not set, so there is nowhere to keep job specs and job state. Set it to " +
                "https://<account>.table.core.windows.net/<table> (infra/ does on Azure), a storage connection string with Table=<name> " +
                "(UseDevelopmentStorage=true;Table=cdcstate for Azurite), or a local folder.");
        }

        try
        {
            return StateStoreLocation.Open(StateLocation);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or UriFormatException)
        {
            throw new InvalidOperationException($"The app setting {AppSettingNames.StateTableUrl} ('{StateLocation}') is not a state location: {e.Message}", e);
        }
    }
}
