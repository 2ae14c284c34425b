using Serverless.Cdc.Verify;
using Serverless.Orchestrations.Hosting;
using Serverless.Testing;

namespace Serverless.Cli.Tests.Verify;

/// <summary>Runs a job's snapshot through the CLI and verifies one of its tables with the library, for the verify tests.</summary>
internal static class VerifyFixture
{
    /// <summary>Options that report at once (no re-check wait): the tests' sources do not change behind them.</summary>
    public static VerifyOptions NoRecheck { get; } = new() { Rechecks = 0 };

    /// <summary>Writes a job replicating <paramref name="db"/> into a lake in a new temp folder and runs its snapshot.</summary>
    public static async Task<SnapshottedJob> SnapshotAsync(SourceDatabase db, string name)
    {
        var folder = new TempDirectory(name);
        var job = JobSpecs.Write(folder.Path, name, db.Name, "./lake");
        await RunJobAsync(job);
        return new SnapshottedJob(folder, job);
    }

    public static async Task RunJobAsync(string job)
    {
        var run = await CliRunner.RunAsync("run", "--snapshot-only", "--job", job);
        Assert.True(run.ExitCode == 0, run.Error + run.Out);
    }

    public static async Task<TableVerification> VerifyAsync(string job, string qualifiedTable, VerifyOptions? options = null)
    {
        var (spec, lake) = JobRunner.OpenJob(job);
        var verifier = new JobVerifier(spec, lake, options ?? NoRecheck);
        var tables = await verifier.DiscoverAsync();
        return await verifier.VerifyAsync(tables.Single(t => t.QualifiedName == qualifiedTable));
    }

    /// <summary>A difference as one line: kind, key, and column=source|lake pairs.</summary>
    public static string Describe(RowDifference d) =>
        $"{d.Kind} {d.Key}: " + string.Join("; ", d.Columns.Select(c => $"{c.Column}={c.Source ?? "-"}|{c.Lake ?? "-"}"));
}

/// <summary>A job whose snapshot has run: its spec file and the folder holding it and its lake (removed on dispose).</summary>
internal sealed record SnapshottedJob(TempDirectory Folder, string Job) : IDisposable
{
    public void Dispose() => Folder.Dispose();
}
