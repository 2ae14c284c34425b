namespace Serverless.Cdc.Jobs;

/// <summary>A job spec that cannot be used; <see cref="Errors"/> lists every problem found, not just the first.</summary>
public sealed class JobSpecException : Exception
{
    public JobSpecException(IReadOnlyList<JobSpecError> errors, string? source = null)
        : base(Format(errors, source))
    {
        Errors = errors;
    }

    public JobSpecException()
        : this([])
    {
    }

    public JobSpecException(string message)
        : base(message)
    {
        Errors = [];
    }

    public JobSpecException(string message, Exception innerException)
        : base(message, innerException)
    {
        Errors = [];
    }

    public IReadOnlyList<JobSpecError> Errors { get; } = [];

    private static string Format(IReadOnlyList<JobSpecError> errors, string? source)
    {
        var where = source is null ? "The job spec" : $"Job spec '{source}'";
        return errors.Count switch
        {
            0 => $"{where} is invalid.",
            1 => $"{where} has 1 problem:\n  {errors[0]}",
            _ => $"{where} has {errors.Count} problems:\n  " + string.Join("\n  ", errors),
        };
    }
}
