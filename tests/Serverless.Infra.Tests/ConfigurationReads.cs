using System.Text.RegularExpressions;

namespace Serverless.Infra.Tests;

/// <summary>
/// Finds configuration keys and environment variables that C# source reads by a string literal: the reads that
/// bypass <c>AppSettingNames</c>, so infra would not know to set them.
/// </summary>
public static partial class ConfigurationReads
{
    /// <summary>The folders whose code is deployed to Azure (tests/ and bench/ read local peer settings and never run there).</summary>
    public static readonly string[] DeployedSourceFolders = ["src", "durable-orchestrations", "functions"];

    /// <summary>
    /// Folders under those that are never deployed: the operator CLI runs on a user's machine (it reads PATH to print
    /// commands that work as printed), so what it reads is no app setting.
    /// </summary>
    public static readonly string[] LocalOnlyFolders = [Path.Combine("src", "Serverless.Cli")];

    public sealed record LiteralRead(string File, int Line, string Key);

    /// <summary>Literal keys read in <paramref name="source"/>; <paramref name="file"/> only labels the results.</summary>
    public static IEnumerable<LiteralRead> Find(string source, string file = "")
    {
        ArgumentNullException.ThrowIfNull(source);
        foreach (Match match in LiteralKeyRead().Matches(source))
        {
            var key = match.Groups["key"].Value;
            // Delta table properties (metaData.configuration in the Delta log, e.g. delta.enableDeletionVectors) live in
            // a dictionary that the Delta code calls "configuration"; they are table metadata, not app settings.
            if (key.StartsWith("delta.", StringComparison.Ordinal))
            {
                continue;
            }

            var line = 1 + source.AsSpan(0, match.Index).Count('\n');
            yield return new LiteralRead(file, line, key);
        }
    }

    /// <summary>Literal reads in every C# file under the deployed folders of <paramref name="root"/>.</summary>
    public static IEnumerable<LiteralRead> FindInRepository(string root, string exceptFile)
    {
        foreach (var folder in DeployedSourceFolders.Select(f => Path.Combine(root, f)).Where(Directory.Exists))
        {
            foreach (var file in Directory.EnumerateFiles(folder, "*.cs", SearchOption.AllDirectories))
            {
                var relative = Path.GetRelativePath(root, file);
                var parts = relative.Split(Path.DirectorySeparatorChar);
                if (parts.Contains("bin") || parts.Contains("obj") || Path.GetFullPath(file) == Path.GetFullPath(exceptFile)
                    || LocalOnlyFolders.Any(local => relative.StartsWith(local + Path.DirectorySeparatorChar, StringComparison.Ordinal)))
                {
                    continue;
                }

                foreach (var read in Find(File.ReadAllText(file), relative))
                {
                    yield return read;
                }
            }
        }
    }

    // Environment.GetEnvironmentVariable("X"), configuration.GetValue<T>("X"), GetSection("X"), GetRequiredSection("X"),
    // GetConnectionString("X"), and the indexer on anything named config/configuration/Configuration
    // (configuration["X"], _configuration["X"], builder.Configuration["X"], config?["X"]).
    [GeneratedRegex("""(?:\bGetEnvironmentVariable|\bGetValue<[^>()]*>|\bGetSection|\bGetRequiredSection|\bGetConnectionString)\(\s*@?"(?<key>[^"]*)"|\b_?[Cc]onfig(?:uration)?\??\[\s*@?"(?<key>[^"]*)"\s*\]""")]
    private static partial Regex LiteralKeyRead();
}
