using Serverless.Cdc.Jobs;

namespace Serverless.Orchestrations.Hosting;

/// <summary>
/// Reads a job spec file. Relative paths in it (a local <c>target.root</c>, a <c>file:</c> password, the TLS CA file)
/// are relative to the file's folder, not to the directory the command runs in, so a job means the same thing
/// wherever it is started from.
/// </summary>
internal static class JobSpecFile
{
    /// <exception cref="JobSpecException">The file cannot be read or the spec is invalid.</exception>
    public static JobSpec Load(string path)
    {
        if (Directory.Exists(path))
        {
            var found = Directory.EnumerateFiles(path, "*.json").Order(StringComparer.Ordinal).Take(3).Select(Path.GetFileName).ToList();
            throw new JobSpecException(
                [new JobSpecError("$", "this is a folder, not a job spec file", found.Count > 0 ? $"give the spec file itself, e.g. --job {Path.Combine(path, found[0]!)}" : "give the path of the job spec file (JSON) with --job")],
                path);
        }

        var spec = JobSpecLoader.LoadFile(path);
        return ResolvePaths(spec, FolderOf(path));
    }

    /// <summary>The absolute folder of a job spec file.</summary>
    public static string FolderOf(string path) => Path.GetDirectoryName(Path.GetFullPath(path))!;

    public static JobSpec ResolvePaths(JobSpec spec, string folder)
    {
        var source = spec.Source;
        if (source.Password is { Kind: SecretKind.File } secret && !Path.IsPathRooted(secret.Value) && secret.Value.Length > 0)
        {
            source = source with { Password = SecretReference.Parse("file:" + Path.GetFullPath(secret.Value, folder)) };
        }

        if (source.TlsCaCertificatePath is { Length: > 0 } ca && !Path.IsPathRooted(ca))
        {
            source = source with { TlsCaCertificatePath = Path.GetFullPath(ca, folder) };
        }

        var root = spec.Target.Root.Trim();
        var target = IsRelativeFolder(root) ? spec.Target with { Root = Path.GetFullPath(root, folder) } : spec.Target;
        return spec with { Source = source, Target = target };
    }

    /// <summary>A plain relative folder path: not rooted, not a URI (file://, https://) and not a connection string.</summary>
    private static bool IsRelativeFolder(string root) =>
        root.Length > 0 && !Path.IsPathRooted(root) && !root.Contains("://", StringComparison.Ordinal) && !root.Contains('=', StringComparison.Ordinal)
        && !root.StartsWith("file:", StringComparison.OrdinalIgnoreCase);
}
