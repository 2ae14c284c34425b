using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Serverless.Durable.History;
using Serverless.Durable.Runtime.Storage;

namespace Serverless.Durable.Tests;

/// <summary>
/// History is written by generated serialization code (HistoryJsonContext); state folders written before that, by
/// reflection, must still read, and both must write the same JSON, so an instance resumes across the upgrade.
/// </summary>
public sealed class HistoryJsonTests
{
    private static readonly JsonSerializerOptions Reflection = new(JsonSerializerDefaults.Web)
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        TypeInfoResolver = new DefaultJsonTypeInfoResolver(),
    };

    private static readonly DateTime At = new(2026, 12, 6, 8, 30, 15, 123, DateTimeKind.Utc);

    [Fact]
    public void ABatchWithEveryHistoryEventKindIsWrittenByGeneratedCodeExactlyAsByReflection()
    {
        var batch = Batch();
        Assert.Equal(12, batch.Events.Select(e => e.GetType()).Distinct().Count());

        var generated = JsonSerializer.Serialize(batch, InstanceStore.Json);
        var reflected = JsonSerializer.Serialize(batch, Reflection);

        Assert.Equal(reflected, generated);
        Assert.Contains("\"kind\":\"taskFailed\"", generated, StringComparison.Ordinal);
    }

    [Fact]
    public void ABatchWrittenByReflectionReadsBackWhole()
    {
        var reflected = JsonSerializer.Serialize(Batch(), Reflection);

        var read = JsonSerializer.Deserialize<HistoryBatch>(reflected, InstanceStore.Json)!;

        // Records holding lists compare by reference, so the events are compared by kind and by what they write.
        Assert.Equal(Batch().Events.Select(e => e.GetType()), read.Events.Select(e => e.GetType()));
        Assert.Equal(Batch().Events[4], read.Events[4]);
        Assert.Equal(Batch().ConsumedMessages, read.ConsumedMessages);
        Assert.Equal(Batch().CustomStatus, read.CustomStatus);
        Assert.Equal(reflected, JsonSerializer.Serialize(read, InstanceStore.Json));
    }

    [Fact]
    public void StatusRecordsAndInboxMessagesAreWrittenByGeneratedCodeExactlyAsByReflectionAndReadBack()
    {
        var status = new CustomStatusRecord("e1", 7, "{\"phase\":\"Snapshotting\"}");
        var inbox = new InboxMessage("0001", InboxMessageKind.Terminate, null, "\"stop\"");

        Assert.Equal(JsonSerializer.Serialize(status, Reflection), JsonSerializer.Serialize(status, InstanceStore.Json));
        Assert.Equal(JsonSerializer.Serialize(inbox, Reflection), JsonSerializer.Serialize(inbox, InstanceStore.Json));
        Assert.Equal(status, JsonSerializer.Deserialize<CustomStatusRecord>(JsonSerializer.Serialize(status, Reflection), InstanceStore.Json));
        Assert.Equal(inbox, JsonSerializer.Deserialize<InboxMessage>(JsonSerializer.Serialize(inbox, Reflection), InstanceStore.Json));
    }

    private static HistoryBatch Batch()
    {
        var raised = new EventRaisedEvent(At, "Approval", "{\"ok\":true}");
        var failure = new FailureDetails("System.IO.IOException", "disk \"full\" <now>", "at X.Y()", new FailureDetails("Inner", "cause"));
        return new HistoryBatch(
            [
                new OrchestratorStartedEvent(At),
                new ExecutionStartedEvent(At, "StartJob", "startjob-a", "exec1", "{\"jobName\":\"a\",\"parallelism\":4}"),
                new TaskScheduledEvent(0, At, "ReadChunk", "{\"chunk\":\"db.t#00001\"}"),
                new TaskCompletedEvent(At, 0, "{\"rows\":250000}"),
                new TaskFailedEvent(At, 1, failure),
                new TimerCreatedEvent(2, At, At.AddSeconds(5)),
                new TimerFiredEvent(At.AddSeconds(5), 2, At.AddSeconds(5)),
                raised,
                new ContinueAsNewEvent(At, "{\"n\":2}", [raised]),
                new ExecutionTerminatedEvent(At, "\"by user\""),
                new ExecutionCompletedEvent(At, OrchestrationStatus.Failed, null, failure),
                new OrchestratorCompletedEvent(At),
            ],
            "{\"phase\":\"Completed\"}",
            ["m1", "m2"]);
    }
}
