using System.Collections.Concurrent;

namespace Serverless.Cdc.Transport.Embedded;

/// <summary>
/// Wakes readers of a partition when a publisher in this process commits a batch to it. Readers take
/// <see cref="NextAppend"/> before they look at the files, so an append between the look and the wait is not missed.
/// </summary>
internal sealed class AppendSignal
{
    private static readonly ConcurrentDictionary<string, AppendSignal> Signals = new(StringComparer.Ordinal);
    private TaskCompletionSource next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public static AppendSignal For(string partitionDirectory) => Signals.GetOrAdd(Path.TrimEndingDirectorySeparator(Path.GetFullPath(partitionDirectory)), _ => new AppendSignal());

    /// <summary>Completes at the next append.</summary>
    public Task NextAppend => Volatile.Read(ref next).Task;

    public void Notify() =>
        Interlocked.Exchange(ref next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
}
