using Serverless.Testing;

namespace Serverless.Cli.Tests.Verify;

/// <summary>`serverless verify` as a process of its own: 1 before the job made a lake, 0 equal, 4 differences, 2 for a table not in the job.</summary>
public sealed class VerifyExitCodeTests
{
    [Fact]
    public async Task BuiltBinaryExitsOneWithoutALakeZeroWhenEqualFourWithDifferencesAndTwoForAnUnknownTable()
    {
        await using var db = await JobSpecs.CreateItemsDatabaseAsync("cli_it_verify_exit", 800);
        using var dir = new TempDirectory("cli-verify-exit");
        var job = JobSpecs.Write(dir.Path, "cli-verify-exit", db.Name, "./lake");

        var before = await VerifyAsync("--job", job);
        Assert.True(before.ExitCode == 1, before.StandardError + before.StandardOutput);
        Assert.Contains($"error: {db.Name}.items has no lake table yet: {Path.Combine(dir.Path, "lake")}/{db.Name}_items holds no Delta log. Run the job first", before.StandardError, StringComparison.Ordinal);

        await VerifyFixture.RunJobAsync(job);
        var equal = await VerifyAsync("--job", job, "--tables", $"{db.Name}.items");
        Assert.True(equal.ExitCode == 0, equal.StandardError + equal.StandardOutput);
        Assert.Contains("Equal: 1 table(s) match their lake tables.", equal.StandardOutput, StringComparison.Ordinal);

        await db.Admin.ExecuteAsync("DELETE FROM items WHERE id = 400");
        var differs = await VerifyAsync("--job", job, "--rechecks", "0");
        Assert.True(differs.ExitCode == 4, differs.StandardError + differs.StandardOutput);
        Assert.Contains("  extra     id=400: id=400, name=item-400, price=100.00", differs.StandardOutput, StringComparison.Ordinal);

        var unknown = await VerifyAsync("--job", job, "--tables", $"{db.Name}.nope");
        Assert.True(unknown.ExitCode == 2, unknown.StandardError + unknown.StandardOutput);
        Assert.Contains($"error: --tables names '{db.Name}.nope', which is not a table of this job. The job's tables: {db.Name}.items.", unknown.StandardError, StringComparison.Ordinal);
    }

    private static Task<ProcessRunner.Result> VerifyAsync(params string[] arguments)
    {
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } hostPath ? hostPath : "dotnet";
        return ProcessRunner.RunAsync(dotnet, ["exec", typeof(Program).Assembly.Location, "verify", .. arguments]);
    }
}
