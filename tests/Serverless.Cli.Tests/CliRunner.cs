namespace Serverless.Cli.Tests;

/// <summary>What one in-process run of the CLI returned and printed.</summary>
public sealed record CliResult(int ExitCode, string Out, string Error)
{
    /// <summary>Stdout split into lines, without the final empty line.</summary>
    public IReadOnlyList<string> Lines(string separator = "\n") =>
        Out.Split(separator).SkipLast(Out.EndsWith(separator, StringComparison.Ordinal) ? 1 : 0).ToList();
}

/// <summary>Runs `serverless` in this process, the way Main does, with captured stdout and stderr.</summary>
public static class CliRunner
{
    public static async Task<CliResult> RunAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var rc = await Program.RunAsync(args, new CliConsole(stdout, stderr));
        return new CliResult(rc, stdout.ToString(), stderr.ToString());
    }
}
