using System.Reflection;
using System.Runtime.ExceptionServices;
using System.Text;
using Serverless.Storage;

namespace Serverless.Cdc.IntegrationTests.Writer;

/// <summary>
/// A lake store that runs an action just before the first Delta commit whose operation is the given one is written: an
/// action that throws loses the commit (as if the writer died after uploading the commit's data files), one that commits
/// to the table itself makes the commit lose its race. Every other call goes to the real store (a <see cref="DispatchProxy"/>,
/// so nothing is forwarded by hand).
/// </summary>
public class CommitInterceptingStore : DispatchProxy
{
    private IObjectStore inner = null!;
    private string operation = string.Empty;
    private Func<Task> before = () => Task.CompletedTask;
    private int intercepted;

    public static IObjectStore Wrap(IObjectStore inner, string operation, Func<Task> before)
    {
        var store = Create<IObjectStore, CommitInterceptingStore>();
        var proxy = (CommitInterceptingStore)(object)store;
        proxy.inner = inner;
        proxy.operation = operation;
        proxy.before = before;
        return store;
    }

    /// <summary>A store whose first <paramref name="operation"/> commit fails with an <see cref="IOException"/> before it is written.</summary>
    public static IObjectStore Losing(IObjectStore inner, string operation) =>
        Wrap(inner, operation, () => throw new IOException($"Simulated crash before the {operation} commit was written."));

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        if (targetMethod.Name == nameof(IObjectStore.PutIfAbsentAsync) && args is [string path, ReadOnlyMemory<byte> content, CancellationToken token]
            && path.Contains("/_delta_log/", StringComparison.Ordinal) && path.EndsWith(".json", StringComparison.Ordinal)
            && Encoding.UTF8.GetString(content.Span).Contains($"\"operation\":\"{operation}\"", StringComparison.Ordinal)
            && Interlocked.Exchange(ref intercepted, 1) == 0)
        {
            return InterceptAsync(path, content, token);
        }

        try
        {
            return targetMethod.Invoke(inner, args);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            ExceptionDispatchInfo.Throw(e.InnerException);
            throw;
        }
    }

    private async Task<ObjectInfo> InterceptAsync(string path, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        await before();
        return await inner.PutIfAbsentAsync(path, content, cancellationToken);
    }
}
