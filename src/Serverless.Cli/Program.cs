using System.CommandLine;
using System.Text;
using Serverless.Cli.Delta;
using Serverless.Cli.Jobs;
using Serverless.Delta;
using Serverless.Storage;

namespace Serverless.Cli;

/// <summary>The `serverless` operator CLI. Exit codes: 0 success, 1 failure, 2 bad usage, 3 preflight failed (`run`), 4 differences found (`verify`), 130 stopped; see <see cref="ExitCodes"/>.</summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        // Data goes through one buffered UTF-8 writer (Console.Out flushes on every write, which is slow for big tables).
        var stdout = new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), 1 << 16);
        await using (stdout.ConfigureAwait(false))
        {
            // The first Ctrl-C asks the command to stop cleanly (a job run saves its state and exits 130);
            // a second one ends the process at once.
            using var stop = new CancellationTokenSource();
            Console.CancelKeyPress += (_, e) =>
            {
                if (!stop.IsCancellationRequested)
                {
                    e.Cancel = true;
                    // Cancel before saying so, so whoever reads "Stopping..." can rely on the stop being under way. CancelAsync
                    // marks the token at once and runs its callbacks elsewhere: some wait for work in flight (a query
                    // waiting on a lock), and this handler must not wait with them.
                    _ = stop.CancelAsync();
                    Console.Error.WriteLine("Stopping... (Ctrl-C again to quit at once)");
                }
            };
            return await RunAsync(args, new CliConsole(stdout, Console.Error), stop.Token).ConfigureAwait(false);
        }
    }

    /// <summary>Runs one command line against the given writers and returns the exit code; what Main does, callable in-process.</summary>
    public static async Task<int> RunAsync(IReadOnlyList<string> args, CliConsole console, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(console);
        var root = BuildRootCommand(console);
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
            {
                await console.Error.WriteLineAsync($"error: {error.Message}").ConfigureAwait(false);
            }

            await console.Error.WriteLineAsync($"Run '{CommandPath(parse)} --help' for usage.").ConfigureAwait(false);
            return ExitCodes.Usage;
        }

        try
        {
            var configuration = new InvocationConfiguration { Output = console.Out, Error = console.Error, EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null };
            var rc = await parse.InvokeAsync(configuration, cancellationToken).ConfigureAwait(false);

            // Not with the command's token: after a Ctrl-C that stopped a run cleanly, its final report still goes out.
            await console.Out.FlushAsync(CancellationToken.None).ConfigureAwait(false);
            return rc;
        }
        catch (UsageException e)
        {
            await console.Error.WriteLineAsync($"error: {e.Message}").ConfigureAwait(false);
            await console.Error.WriteLineAsync($"Run '{CommandPath(parse)} --help' for usage.").ConfigureAwait(false);
            return ExitCodes.Usage;
        }
        catch (Exception e) when (IsKnownFailure(e))
        {
            await FlushQuietlyAsync(console.Out).ConfigureAwait(false);
            await console.Error.WriteLineAsync($"error: {e.Message}").ConfigureAwait(false);
            return ExitCodes.Failure;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await FlushQuietlyAsync(console.Out).ConfigureAwait(false);
            await console.Error.WriteLineAsync("Stopped.").ConfigureAwait(false);
            return ExitCodes.Cancelled;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A bug, not bad input: still exit 1 (an unhandled exception aborts the process with 134), and keep the
            // stack trace for the report.
            await FlushQuietlyAsync(console.Out).ConfigureAwait(false);
            await console.Error.WriteLineAsync($"error: unexpected {e.GetType().Name}: {e.Message}").ConfigureAwait(false);
            await console.Error.WriteLineAsync($"This is a bug in serverless; please report it with these details:{Environment.NewLine}{e}").ConfigureAwait(false);
            return ExitCodes.Failure;
        }
    }

    public static RootCommand BuildRootCommand(CliConsole console) => new("serverless: MySQL and MariaDB change data capture into Delta Lake tables.")
    {
        RunCommand.Create(console),
        StatusCommand.Create(console),
        VerifyCommand.Create(console),
        DeltaCommand.Create(console),
    };

    /// <summary>
    /// Failures whose message already says what is wrong (a reader's names the file at fault); anything else is a bug
    /// and keeps its stack trace.
    /// </summary>
    private static bool IsKnownFailure(Exception e) =>
        e is CommandFailedException or Serverless.Cdc.Jobs.JobSpecException or Serverless.Cdc.Verify.VerificationException or DeltaException or StorageRequestException or ObjectNotFoundException or IOException or UnauthorizedAccessException
            or Serverless.Parquet.ParquetFormatException or InvalidDataException
            or Azure.Identity.AuthenticationFailedException or Azure.RequestFailedException or HttpRequestException;

    private static string CommandPath(ParseResult parse)
    {
        var names = new List<string>();
        for (var result = parse.CommandResult; result is not null; result = result.Parent as System.CommandLine.Parsing.CommandResult)
        {
            names.Add(result.Command is RootCommand ? "serverless" : result.Command.Name);
        }

        names.Reverse();
        return string.Join(' ', names);
    }

    private static async Task FlushQuietlyAsync(TextWriter writer)
    {
        try
        {
            await writer.FlushAsync().ConfigureAwait(false);
        }
        catch (IOException)
        {
            // The reader went away (a closed pipe); the error message still goes to stderr.
        }
    }
}
