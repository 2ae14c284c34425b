namespace Serverless.Cdc.Capture;

/// <summary>
/// Another capture of the same job took the checkpoint over (a second host started it, or a restarted one did while
/// this one was still running): this capture stops so that only one advances the job's checkpoint.
/// </summary>
public sealed class CaptureFencedException : Exception
{
    public CaptureFencedException(string jobName, string location, Exception? innerException)
        : base($"Capture of job '{jobName}' stops: another capture of the job took its checkpoint over in {location}. " +
               "Run one capture per job; this one may be restarted once the other has stopped (it resumes from the checkpoint).",
               innerException)
    {
        JobName = jobName;
    }

    public CaptureFencedException()
    {
    }

    public CaptureFencedException(string message)
        : base(message)
    {
    }

    public CaptureFencedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public string? JobName { get; }
}
