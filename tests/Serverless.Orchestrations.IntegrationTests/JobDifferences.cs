using System.Globalization;
using Serverless.Cdc.Verify;
using Serverless.Orchestrations.Hosting;
using Serverless.Storage.Local;
using Xunit.Abstractions;

namespace Serverless.Orchestrations.IntegrationTests;

/// <summary>What the streaming tests check the lake with: verify once over every table of the job (no re-checks).</summary>
internal static class JobDifferences
{
    /// <summary>
    /// Rows missing, extra, different or duplicate over all the job's tables (or only <paramref name="onlyTable"/>, qualified);
    /// each table's counts go to <paramref name="output"/>.
    /// </summary>
    public static async Task<long> CountAsync(string specPath, ITestOutputHelper output, string? onlyTable = null)
    {
        var spec = JobSpecFile.Load(specPath);
        var verifier = new JobVerifier(spec, new LocalFolderObjectStore(spec.Target.Root), new VerifyOptions { Rechecks = 0 });
        long differences = 0;
        foreach (var table in (await verifier.DiscoverAsync()).Where(t => onlyTable is null || t.QualifiedName == onlyTable))
        {
            var result = await verifier.VerifyAsync(table);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{table.QualifiedName}: source {result.SourceRows}, lake {result.LakeRows}, missing {result.Missing}, extra {result.Extra}, different {result.Different}, duplicate {result.Duplicate}"));
            differences += result.Missing + result.Extra + result.Different + result.Duplicate;
        }

        return differences;
    }

    /// <summary>Waits until <paramref name="condition"/> holds, failing when the host process exits first or <paramref name="bound"/> passes.</summary>
    public static async Task WaitForHostAsync(System.Diagnostics.Process child, Func<Task<bool>> condition, TimeSpan bound)
    {
        var deadline = DateTime.UtcNow + bound;
        while (!await condition())
        {
            Assert.False(child.HasExited, $"The streaming host exited early with code {(child.HasExited ? child.ExitCode : 0)}.");
            Assert.True(DateTime.UtcNow < deadline, $"The streaming host did not get there within {bound.TotalSeconds} s.");
            await Task.Delay(100);
        }
    }
}
