using Microsoft.DurableTask;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Orchestrations.Jobs;

namespace Serverless.Functions.Durable;

/// <summary>
/// One of StartJob's activities built for its job: the job's <see cref="JobEnvironment"/> from <see cref="JobEnvironments"/>,
/// everything else (loggers, observers) from the function's services, as the CLI's host builds it from its container.
/// Finding the environment is part of the activity, so a missing or unusable spec is classified like any other failure.
/// </summary>
internal sealed class JobActivity<TActivity, TInput, TOutput>(JobEnvironments environments, IServiceProvider services, string jobName, CancellationToken cancellationToken)
    : TaskActivity<TInput, TOutput>
    where TActivity : TaskActivity<TInput, TOutput>
{
    public override async Task<TOutput> RunAsync(TaskActivityContext context, TInput input)
    {
        var environment = await environments.GetAsync(jobName, cancellationToken).ConfigureAwait(false);
        var activity = ActivatorUtilities.CreateInstance<TActivity>(services, environment);
        return await activity.RunAsync(context, input).ConfigureAwait(false);
    }
}
