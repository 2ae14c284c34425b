using System.Diagnostics;
using System.Globalization;

namespace Serverless.Bench;

/// <summary>
/// The peer: <c>mariadb-dump --quick --single-transaction DB [tables] &gt; /dev/null</c>, wall time from just before the
/// spawn to its exit (start-up included), peak RSS and CPU time from <c>/usr/bin/time -f '%M %U %S'</c>, or the peak
/// from polling VmHWM when that tool is missing (CPU time is then unknown).
/// </summary>
public static class SnapshotDumpPeer
{
    private const string GnuTime = "/usr/bin/time";

    public sealed record Run(double Seconds, long PeakRssBytes, double CpuSeconds);

    public static string CommandLine(SnapshotScenario scenario) =>
        $"mariadb-dump --quick --single-transaction -h127.0.0.1 -P{MySqlBenchData.Port} -u{MySqlBenchData.User} -p*** {scenario.Database}{(scenario.Tables.Count == 1 ? " " + scenario.Tables[0] : string.Empty)} > /dev/null";

    public static async Task<Run> DumpAsync(SnapshotScenario scenario)
    {
        string[] arguments =
        [
            .. MySqlPeerTool.ClientArguments, "--skip-ssl", "--quick", "--single-transaction", scenario.Database,
            .. scenario.Tables.Count == 1 ? scenario.Tables : [],
        ];
        var useGnuTime = File.Exists(GnuTime);
        var rssFile = Path.GetTempFileName();
        try
        {
            // The shell only redirects and execs (exec keeps the pid): the dump goes to /dev/null as on a command line.
            var command = string.Join(' ', arguments.Select(Quote).Prepend("mariadb-dump"));
            var shell = useGnuTime
                ? $"exec {GnuTime} -f '%M %U %S' -o {Quote(rssFile)} {command} > /dev/null"
                : $"exec {command} > /dev/null";
            var psi = new ProcessStartInfo("/bin/sh", ["-c", shell]) { RedirectStandardError = true, UseShellExecute = false };
            var sw = Stopwatch.StartNew();
            using var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start mariadb-dump");
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
                throw new InvalidOperationException($"mariadb-dump failed (exit {process.ExitCode}): {errors}");
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
