using System.Diagnostics;
using System.Text.Json;

namespace Serverless.Bench;

/// <summary>Runs tools/duckdb-bench.mjs: untimed setup statements, then timed ones (best of N, in ms).</summary>
public static class DuckDbPeer
{
    public static async Task<Dictionary<string, double>> TimeAsync(
        IEnumerable<string> setup, IReadOnlyDictionary<string, string> timed, int repeat, int threads = 1)
    {
        var root = Path.GetDirectoryName(BenchmarkReport.ResultsDirectory)!;
        var script = Path.Combine(root, "..", "tools", "duckdb-bench.mjs");
        var spec = JsonSerializer.Serialize(new { threads, setup, timed, repeat });
        var psi = new ProcessStartInfo("node", [script])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var p = Process.Start(psi) ?? throw new InvalidOperationException("could not start node for DuckDB");
        await p.StandardInput.WriteAsync(spec);
        p.StandardInput.Close();
        var stdout = await p.StandardOutput.ReadToEndAsync();
        var stderr = await p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"DuckDB benchmark step failed: {stderr}");
        }

        return JsonSerializer.Deserialize<Dictionary<string, double>>(stdout)!;
    }
}
