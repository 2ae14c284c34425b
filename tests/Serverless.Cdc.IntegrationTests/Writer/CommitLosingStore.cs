using System.Reflection;
using System.Runtime.ExceptionServices;
using System.Text;
using Serverless.Storage;

namespace Serverless.Cdc.IntegrationTests.Writer;

/// <summary>
/// A lake store that loses the first Delta commit whose operation is the given one: writing its log entry throws before it
/// reaches the store, as if the writer died after uploading the commit's data files. Every other call goes to the real
/// store (a <see cref="DispatchProxy"/>, so nothing is forwarded by hand).
/// </summary>
public class CommitLosingStore : DispatchProxy
{
    private IObjectStore inner = null!;
    private string operation = string.Empty;
    private int lost;

    public static IObjectStore Wrap(IObjectStore inner, string operation)
    {
        var store = Create<IObjectStore, CommitLosingStore>();
        var proxy = (CommitLosingStore)(object)store;
        proxy.inner = inner;
        proxy.operation = operation;
        return store;
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        if (targetMethod.Name == nameof(IObjectStore.PutIfAbsentAsync) && args is [string path, ReadOnlyMemory<byte> content, ..]
            && path.Contains("/_delta_log/", StringComparison.Ordinal) && path.EndsWith(".json", StringComparison.Ordinal)
            && Encoding.UTF8.GetString(content.Span).Contains($"\"operation\":\"{operation}\"", StringComparison.Ordinal)
            && Interlocked.Exchange(ref lost, 1) == 0)
        {
            return Task.FromException<ObjectInfo>(new IOException($"Simulated crash before the {operation} commit {path} was written."));
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
}
