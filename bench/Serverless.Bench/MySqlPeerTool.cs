using System.Diagnostics;
using System.Globalization;

namespace Serverless.Bench;

/// <summary>
/// Runs MariaDB's own command-line tools as the peer: output to /dev/null, wall time from just before the spawn to its
/// exit (start-up included), peak resident set size and CPU time from <c>/usr/bin/time -f '%M %U %S'</c>, or the peak from polling VmHWM
/// when that tool is missing (CPU time is then unknown).
/// </summary>
public static class MySqlPeerTool
{
    private const string GnuTime = "/usr/bin/time";

    public sealed record Run(double Seconds, long PeakRssBytes, double CpuSeconds);

    public static string[] ClientArguments =>
    [
        "--no-defaults", "--protocol=tcp", $"--host={MySqlBenchData.Host}", $"--port={MySqlBenchData.Port}",
        $"--user={MySqlBenchData.User}", $"--password={MySqlBenchData.Password}",
    ];

    /// <summary><c>mariadb --quick --batch -e "SELECT * FROM table"</c> &gt; /dev/null.</summary>
    public static Task<Run> SelectAllAsync(string table) =>
        RunAsync("mariadb", [.. ClientArguments, "--skip-ssl", "--quick", "--batch", $"--database={MySqlBenchData.Database}", "-e", $"SELECT * FROM {table}"]);

    /// <summary><c>mariadb-binlog --read-from-remote-server -v</c> over the range (decodes every row to pseudo-SQL) &gt; /dev/null.</summary>
    public static Task<Run> DecodeBinlogAsync(MySqlBinlogRange range) =>
        RunAsync("mariadb-binlog",
        [
            .. ClientArguments, "--skip-ssl", "--read-from-remote-server", "-v",
            string.Create(CultureInfo.InvariantCulture, $"--start-position={range.Start}"),
            string.Create(CultureInfo.InvariantCulture, $"--stop-position={range.End}"),
            range.FileName,
        ]);

    /// <summary>Runs a MariaDB tool with its output to /dev/null; wall time, peak RSS and CPU time.</summary>
    public static async Task<Run> RunAsync(string tool, string[] arguments)
    {
        var useGnuTime = File.Exists(GnuTime);
        var rssFile = Path.GetTempFileName();
        try
        {
            // The shell only redirects and execs (exec keeps the pid): the peer writes to /dev/null as on a command line.
            var command = string.Join(' ', arguments.Select(Quote).Prepend(tool));
            var shell = useGnuTime
                ? $"exec {GnuTime} -f '%M %U %S' -o {Quote(rssFile)} {command} > /dev/null"
                : $"exec {command} > /dev/null";
            var psi = new ProcessStartInfo("/bin/sh", ["-c", shell])
            {
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            var sw = Stopwatch.StartNew();
            using var process = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {tool}");
            var stderr = process.StandardError.ReadToEndAsync();
            long polledPeak = 0;
            while (!process.WaitForExit(useGnuTime ? 1000 : 20))
            {
                if (!useGnuTime)
                {
                    polledPeak = Math.Max(polledPeak, PeakMemory.OfProcess(process.Id));
                }
            }

            var seconds = sw.Elapsed.TotalSeconds;
            var errors = await stderr;
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"{tool} failed (exit {process.ExitCode}): {errors}");
            }

            if (!useGnuTime)
            {
                return new Run(seconds, polledPeak, double.NaN);
            }

            var figures = File.ReadAllText(rssFile).Trim().Split('\n')[^1].Split(' ');
            return new Run(
                seconds,
                long.Parse(figures[0], CultureInfo.InvariantCulture) * 1024,
                double.Parse(figures[1], CultureInfo.InvariantCulture) + double.Parse(figures[2], CultureInfo.InvariantCulture));
        }
        finally
        {
            File.Delete(rssFile);
        }
    }

    private static string Quote(string s) => "'" + s.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
