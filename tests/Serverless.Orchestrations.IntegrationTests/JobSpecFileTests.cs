using Serverless.Cdc.Jobs;
using Serverless.Orchestrations.Hosting;
using Serverless.Testing;

namespace Serverless.Orchestrations.IntegrationTests;

/// <summary>Relative paths in a job spec mean the same wherever the command runs (no server needed).</summary>
public sealed class JobSpecFileTests
{
    [Fact]
    public void RelativePathsInASpecResolveAgainstItsFolderAndOthersAreKept()
    {
        using var dir = new TempDirectory("orch-spec-paths");
        var spec = Write(dir.Path, "relative.json", "./lake", "file:secrets/password.txt", "certs/ca.pem");

        var loaded = JobSpecFile.Load(spec);

        Assert.Equal(Path.Combine(dir.Path, "lake"), loaded.Target.Root);
        Assert.Equal(SecretKind.File, loaded.Source.Password.Kind);
        Assert.Equal(Path.Combine(dir.Path, "secrets", "password.txt"), loaded.Source.Password.Value);
        Assert.Equal(Path.Combine(dir.Path, "certs", "ca.pem"), loaded.Source.TlsCaCertificatePath);

        foreach (var root in new[] { "/data/lake", "file:///data/lake", "https://acct.blob.core.windows.net/lake/shop", "UseDevelopmentStorage=true;Container=lake" })
        {
            Assert.Equal(root, JobSpecFile.Load(Write(dir.Path, "kept.json", root, "literal:pw", null)).Target.Root);
        }
    }

    [Fact]
    public void StateFolderDefaultsBesideALocalLakeElseBesideTheSpec()
    {
        using var dir = new TempDirectory("orch-spec-state");
        var local = JobRunner.Locate(Write(dir.Path, "local.json", "data/lake", "literal:pw", null), null);
        var blob = JobRunner.Locate(Write(dir.Path, "blob.json", "UseDevelopmentStorage=true;Container=lake", "literal:pw", null), null);

        Assert.Equal(Path.Combine(dir.Path, "data", ".serverless-state"), local.StateFolder);
        Assert.Equal(Path.Combine(dir.Path, ".serverless-state"), blob.StateFolder);
        Assert.Equal(Path.GetFullPath("given"), JobRunner.Locate(Path.Combine(dir.Path, "local.json"), "given").StateFolder);
    }

    [Fact]
    public void AFolderGivenAsTheSpecIsNamedWithTheFileToGiveInstead()
    {
        using var dir = new TempDirectory("orch-spec-folder");
        var spec = Write(dir.Path, "job.json", "./lake", "literal:pw", null);

        var error = Assert.Throws<JobSpecException>(() => JobSpecFile.Load(dir.Path));

        Assert.Contains("is a folder, not a job spec file", error.Message, StringComparison.Ordinal);
        Assert.Contains($"--job {spec}", error.Message, StringComparison.Ordinal);
    }

    private static string Write(string folder, string file, string root, string password, string? ca)
    {
        var path = Path.Combine(folder, file);
        var caField = ca is null ? string.Empty : $", \"tlsCaCertificate\": \"{ca}\"";
        File.WriteAllText(path, $$"""
            { "name": "paths", "source": { "host": "db.example", "user": "cdc", "password": "{{password}}", "tls": "verify-ca"{{caField}} },
              "tables": { "include": ["shop.*"] }, "target": { "root": "{{root}}" } }
            """);
        return path;
    }
}
