using System.Diagnostics;
using System.Text.Json;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Serverless.Delta;
using Serverless.Durable.History;
using Serverless.Durable.Runtime;
using Serverless.Orchestrations.Activities;
using Serverless.Orchestrations.Hosting;
using Serverless.Orchestrations.Lake;
using Serverless.Orchestrations.StartJob;
using Serverless.Storage.Local;
using Serverless.Testing;
using Xunit.Abstractions;

namespace Serverless.Orchestrations.IntegrationTests;

[Collection(ShopCollection.Name)]
public sealed class KillAndResumeTests(ShopDatabase shop, ITestOutputHelper output)
{
    private const string JobName = "shop-crash";
    private const int ReadsBeforeKill = 10;

    [Fact]
    public async Task SnapshotKilledMidwayInAChildProcessResumesToExactlyTheSourceRowsWithoutRereadingCommittedChunks()
    {
        using var dir = new TempDirectory("orch-it-crash");
        var lake = Path.Combine(dir.Path, "lake");
        var state = Path.Combine(dir.Path, "state");
        var ledger = Path.Combine(dir.Path, "ledger.txt");
        File.WriteAllText(ledger, string.Empty);
        var spec = TestJobs.WriteSpec(dir.Path, JobName, [shop.Name + ".*"], lake, shop.KeyOverrides, parallelism: 2, chunkRows: 1000);
        var instanceId = JobRunner.InstanceIdFor(JobName);
        HashSet<string> readBeforeKill;
        var observer = EmbeddedDurableRuntime.ForLocalFolder(JobHost.OrchestrationsFolder(state), new DurableTaskRegistry().AddStartJob());
        await using (observer)
        {
            // The child runs the job like `serverless run` would; it reads 10 chunks (of 26) and holds every later read,
            // so the kill lands mid-snapshot, after all 10 reads and at least 3 commits are in history.
            using (var child = StartSnapshotHost(spec, state, ledger, holdAfterReads: ReadsBeforeKill))
            {
                try
                {
                    await WaitForHistoryAsync(observer.Client, instanceId, reads: ReadsBeforeKill, commits: 3, child);
                }
                finally
                {
                    child.Kill(entireProcessTree: true); // SIGKILL: no cleanup, mid-activity
                    await child.WaitForExitAsync();
                }
            }

            var atKill = await ActivitiesAsync(observer.Client, instanceId);
            readBeforeKill = atKill.Where(a => a.Name == ActivityNames.ReadChunk && a.Completed).Select(a => ChunkId(a.Input)).ToHashSet(StringComparer.Ordinal);
            var commitsBeforeKill = atKill.Count(a => a.Name == ActivityNames.CommitChunks && a.Completed);
            var totalChunks = atKill.Where(a => a.Name == ActivityNames.PlanChunks && a.Completed).Sum(a => JsonDocument.Parse(a.Result!).RootElement.GetArrayLength());
            output.WriteLine($"at the kill: {readBeforeKill.Count} of {totalChunks} chunks read, {commitsBeforeKill} commits recorded");
            Assert.Equal(ReadsBeforeKill, readBeforeKill.Count);
            Assert.InRange(commitsBeforeKill, 3, ((totalChunks + 1) / 2) - 1);
            Assert.NotEqual(OrchestrationRuntimeStatus.Completed, (await observer.Client.GetInstanceAsync(instanceId))!.RuntimeStatus);
        }

        // The next run (in this process) resumes the instance rather than starting over.
        var progress = new RecordingProgress();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var exit = await JobRunner.RunAsync(spec, TestJobs.RunnerOptions(state, ledger, TimeSpan.Zero), progress, timeout.Token);
        Assert.True(exit == JobExitCodes.Success, $"exit {exit}: {progress.Last.Message}");
        Assert.True(progress.Last.Resumed);
        Assert.Equal(JobPhase.Completed, progress.Last.Phase);

        // Exactly the source rows: same count, no duplicate key, every column's checksum equal.
        foreach (var (name, key) in ShopDatabase.Tables)
        {
            var (lakeSum, columns, _) = await TableChecksum.OfLakeAsync(lake, $"{shop.Name}_{name}", key);
            var sourceSum = await TableChecksum.OfSourceAsync(shop.Db.Admin, shop.Name, name, columns, key);
            Assert.Equal(sourceSum.Rows, lakeSum.Rows);
            Assert.Equal(lakeSum.Rows, lakeSum.DistinctKeys);
            foreach (var (column, sum) in sourceSum.Columns)
            {
                Assert.True(sum == lakeSum.Columns[column], $"{name}.{column}: source {sum} lake {lakeSum.Columns[column]}");
            }
        }

        // Chunks whose read was recorded before the kill were not read again; every chunk was read.
        var reads = ChunkReadLedger.ReadCounts(ledger);
        var reread = reads.Where(r => r.Value > 1).Select(r => r.Key).Order(StringComparer.Ordinal).ToList();
        output.WriteLine($"read again after the restart (in flight at the kill): {string.Join(", ", reread)}");
        Assert.Equal(progress.Last.Tables.Sum(t => t.ChunksTotal), reads.Count);
        Assert.All(readBeforeKill, id => Assert.True(reads[id] == 1, $"Chunk {id} was read before the kill but read {reads[id]} times."));
        Assert.True(reread.Count <= 2, $"At most the 2 chunks in flight at the kill may be read again; got {string.Join(", ", reread)}.");

        // Commits were not duplicated: each table's snapshot txn stands at its number of commit groups.
        foreach (var t in progress.Last.Tables)
        {
            var table = await DeltaTable.OpenAsync(new TableLocation(new LocalFolderObjectStore(lake), t.LakeTable));
            Assert.Equal((t.ChunksTotal + 1) / 2, table.Snapshot.GetAppTransactionVersion(SnapshotCommitter.AppId));
        }
    }

    private static string ChunkId(string? readChunkInput)
    {
        using var doc = JsonDocument.Parse(readChunkInput!);
        return doc.RootElement.GetProperty("chunk").GetProperty("id").GetString()!;
    }

    private sealed record ActivityCall(string Name, string? Input, bool Completed, string? Result);

    private static async Task<List<ActivityCall>> ActivitiesAsync(EmbeddedDurableTaskClient client, string instanceId)
    {
        var history = await client.GetHistoryAsync(instanceId);
        var results = history.OfType<TaskCompletedEvent>().ToDictionary(e => e.TaskScheduledId, e => e.Result);
        return history.OfType<TaskScheduledEvent>()
            .Select(s => new ActivityCall(s.Name, s.Input, results.ContainsKey(s.EventId), results.GetValueOrDefault(s.EventId)))
            .ToList();
    }

    private static async Task WaitForHistoryAsync(EmbeddedDurableTaskClient client, string instanceId, int reads, int commits, Process child)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            if (await client.GetInstanceAsync(instanceId) is not null && await ActivitiesAsync(client, instanceId) is var calls
                && calls.Count(a => a.Name == ActivityNames.ReadChunk && a.Completed) >= reads
                && calls.Count(a => a.Name == ActivityNames.CommitChunks && a.Completed) >= commits)
            {
                return;
            }

            Assert.False(child.HasExited, $"The snapshot host exited early with code {(child.HasExited ? child.ExitCode : 0)}.");
            Assert.True(DateTime.UtcNow < deadline, $"The snapshot host did not record {reads} reads and {commits} commits within 60 s.");
            await Task.Delay(50);
        }
    }

    private static Process StartSnapshotHost(string spec, string state, string ledger, int holdAfterReads) =>
        ProcessRunner.StartTestHost(
            typeof(SnapshotHostProgram).Assembly, "snapshot-host", spec, state, ledger, holdAfterReads.ToString(System.Globalization.CultureInfo.InvariantCulture));
}
