using System.Globalization;
using Serverless.Storage;

namespace Serverless.Delta;

/// <summary>
/// A Delta table inside an object store: the store plus the folder that is the table root ("" for the store root).
/// <see cref="AbsoluteUri"/> (optional) is how other engines name the root, used to resolve absolute paths in the log.
/// </summary>
public sealed class TableLocation
{
    public TableLocation(IObjectStore store, string rootPath = "", string? absoluteUri = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(rootPath);
        Store = store;
        RootPath = rootPath.Length == 0 || rootPath.EndsWith('/') ? rootPath : rootPath + "/";
        AbsoluteUri = absoluteUri?.TrimEnd('/');
    }

    public IObjectStore Store { get; }

    /// <summary>Store path of the table root, ending with '/' unless empty.</summary>
    public string RootPath { get; }

    public string? AbsoluteUri { get; }

    public string LogFolder => RootPath + "_delta_log/";

    /// <summary>Store path of a file given relative to the table root.</summary>
    public string Resolve(string relativePath) => RootPath + relativePath;

    public string CommitPath(long version) => LogFolder + version.ToString("D20", CultureInfo.InvariantCulture) + ".json";

    public string CheckpointPath(long version) => LogFolder + version.ToString("D20", CultureInfo.InvariantCulture) + ".checkpoint.parquet";

    public string LastCheckpointPath => LogFolder + "_last_checkpoint";

    /// <summary>
    /// Turns a path from an add/remove/DV action (URI-encoded, relative or absolute) into a store path,
    /// or explains why it is out of reach.
    /// </summary>
    public string ResolveActionPath(string actionPath)
    {
        ArgumentNullException.ThrowIfNull(actionPath);
        var colon = actionPath.IndexOf(':', StringComparison.Ordinal);
        var slash = actionPath.IndexOf('/', StringComparison.Ordinal);
        var isAbsolute = colon > 0 && (slash < 0 || colon < slash);
        if (!isAbsolute)
        {
            return Resolve(Actions.DeltaPath.Decode(actionPath));
        }

        if (AbsoluteUri is not null && actionPath.StartsWith(AbsoluteUri + "/", StringComparison.Ordinal))
        {
            return Resolve(Actions.DeltaPath.Decode(actionPath[(AbsoluteUri.Length + 1)..]));
        }

        throw new DeltaException(
            $"The log names the absolute path '{actionPath}', which is outside table root {AbsoluteUri ?? Store.Location + "/" + RootPath}. " +
            "Open the table with a TableLocation whose absoluteUri is the table's URI, or rewrite the table with relative paths.");
    }
}
