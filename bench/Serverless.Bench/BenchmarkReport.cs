using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Serverless.Bench;

/// <summary>Writes bench/results/NAME.json (the convention all benchmarks share) and a readable NAME.md.</summary>
public static class BenchmarkReport
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static string ResultsDirectory
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Serverless.sln")))
            {
                dir = dir.Parent;
            }

            var root = dir?.FullName ?? Directory.GetCurrentDirectory();
            return Path.Combine(root, "bench", "results");
        }
    }

    public static void Write(string name, string title, IReadOnlyList<BenchmarkResult> results, string machine, IEnumerable<string>? notes = null)
    {
        Directory.CreateDirectory(ResultsDirectory);
        var rows = results.Select(r => new
        {
            r.Metric,
            ours = Round(r.Ours),
            peer = Round(r.Peer),
            r.PeerName,
            r.Unit,
            ratio = Math.Round(r.Ratio, 3),
            target_ratio = r.TargetRatio,
            r.Conditions,
        });
        File.WriteAllText(Path.Combine(ResultsDirectory, name + ".json"), JsonSerializer.Serialize(rows, Json) + "\n");

        var md = new StringBuilder();
        md.Append(CultureInfo.InvariantCulture, $"# Benchmark `{name}`: {title}\n\n");
        md.Append(CultureInfo.InvariantCulture, $"Measured {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC on {machine}. Ratio = ours / peer for rates and peer / ours for costs, so above 1 is better; target is the issue's goal.\n\n");
        md.Append("| metric | ours | peer | peer | unit | ratio | target | met |\n|---|---:|---:|---|---|---:|---:|---|\n");
        foreach (var r in results)
        {
            md.Append(CultureInfo.InvariantCulture,
                $"| {r.Metric} | {Format(r.Ours)} | {Format(r.Peer)} | {r.PeerName} | {r.Unit} | {r.Ratio:0.00} | {r.TargetRatio:0.00} | {(r.MeetsTarget ? "yes" : "no")} |\n");
        }

        md.Append("\nConditions:\n\n");
        foreach (var c in results.Select(r => r.Conditions).Distinct())
        {
            md.Append(CultureInfo.InvariantCulture, $"- {c}\n");
        }

        if (notes is not null)
        {
            md.Append('\n');
            foreach (var n in notes)
            {
                md.Append(CultureInfo.InvariantCulture, $"{n}\n\n");
            }
        }

        File.WriteAllText(Path.Combine(ResultsDirectory, name + ".md"), md.ToString());
    }

    /// <summary>Prints the results as a table on the console, ours beside the peer's figure and the ratio.</summary>
    public static void Print(IReadOnlyList<BenchmarkResult> results)
    {
        Console.WriteLine($"{"metric",-44} {"ours",14} {"peer",14} {"peer name",-22} {"unit",-10} {"ratio",6} {"target",6}");
        foreach (var r in results)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{r.Metric,-44} {Format(r.Ours),14} {Format(r.Peer),14} {r.PeerName,-22} {r.Unit,-10} {r.Ratio,6:0.00} {r.TargetRatio,6:0.00}{(r.MeetsTarget ? string.Empty : "  (below target)")}"));
        }
    }

    public static string MachineDescription() =>
        $"{Environment.ProcessorCount} cores, {GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1L << 30)} GiB, .NET {Environment.Version}, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}";

    private static double Round(double v) => Math.Abs(v) >= 100 ? Math.Round(v, 1) : Math.Round(v, 4);

    private static string Format(double v) => Math.Abs(v) >= 1000 ? v.ToString("N0", CultureInfo.InvariantCulture) : v.ToString("0.###", CultureInfo.InvariantCulture);
}
