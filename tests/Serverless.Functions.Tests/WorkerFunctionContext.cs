using System.Collections.Concurrent;
using Microsoft.Azure.Functions.Worker;

namespace Serverless.Functions.Tests;

/// <summary>
/// The per-invocation context the Functions host gives a function, for calling the app's activity functions in-process
/// (the worker's own implementation is internal and the host cannot run here): the worker's services and a cancellation
/// token, which is all the activity functions read. What only the host can supply says so when asked for.
/// </summary>
internal sealed class WorkerFunctionContext(IServiceProvider services, string functionName, CancellationToken cancellationToken) : FunctionContext
{
    public override string InvocationId { get; } = Guid.NewGuid().ToString("N");

    public override string FunctionId => functionName;

    public override IServiceProvider InstanceServices { get; set; } = services;

    public override IDictionary<object, object> Items { get; set; } = new ConcurrentDictionary<object, object>();

    public override CancellationToken CancellationToken => cancellationToken;

    public override TraceContext TraceContext => throw HostOnly(nameof(TraceContext));

    public override BindingContext BindingContext => throw HostOnly(nameof(BindingContext));

    public override RetryContext RetryContext => throw HostOnly(nameof(RetryContext));

    public override FunctionDefinition FunctionDefinition => throw HostOnly(nameof(FunctionDefinition));

    public override IInvocationFeatures Features => throw HostOnly(nameof(Features));

    private static NotSupportedException HostOnly(string member) =>
        new($"{member} comes from the Functions host's invocation, which these tests do not run; the function under test should not need it.");
}
