namespace Serverless.Cli;

/// <summary>
/// How to run this CLI again, for the commands it prints ("read one with: ..."): <c>serverless</c> when that name on
/// PATH is this program, else this program's full path, else <c>dotnet path/serverless.dll</c> (run through the
/// dotnet host, e.g. by <c>dotnet run</c> or a test). A printed command then works when pasted, from any folder.
/// </summary>
internal static class CliInvocation
{
    private const string Name = "serverless";

    public static string Command { get; } = Find(Environment.ProcessPath, typeof(Program).Assembly.Location, Environment.GetEnvironmentVariable("PATH"));

    internal static string Find(string? processPath, string assemblyPath, string? searchPath)
    {
        if (processPath is not null && string.Equals(Path.GetFileNameWithoutExtension(processPath), Name, StringComparison.Ordinal))
        {
            return IsOnPath(processPath, searchPath) ? Name : Quote(processPath);
        }

        return "dotnet " + Quote(assemblyPath);
    }

    /// <summary>Quotes a path for a POSIX shell when it holds anything but safe characters.</summary>
    internal static string Quote(string text) =>
        text.Length > 0 && text.All(c => char.IsAsciiLetterOrDigit(c) || c is '/' or '.' or '_' or '-' or '+' or ':' or '@' or '%' or ',')
            ? text
            : "'" + text.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    /// <summary>True when the first <c>serverless</c> found on PATH is <paramref name="program"/> (through symbolic links).</summary>
    private static bool IsOnPath(string program, string? searchPath)
    {
        foreach (var folder in (searchPath ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(folder, Name);
            if (File.Exists(candidate))
            {
                return string.Equals(RealPath(candidate), RealPath(program), StringComparison.Ordinal);
            }
        }

        return false;
    }

    private static string RealPath(string path)
    {
        try
        {
            return new FileInfo(path).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? Path.GetFullPath(path);
        }
        catch (IOException)
        {
            return Path.GetFullPath(path);
        }
    }
}
