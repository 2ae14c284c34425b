namespace Serverless.Storage;

/// <summary>
/// A storage service refused a request, or could not be reached after the client's own retries. The message names
/// the operation, the target and what to change; <see cref="IsTransient"/> tells a refusal the caller must fix
/// (credentials, permissions, a missing container, a malformed request) from one that may pass later.
/// </summary>
public sealed class StorageRequestException : IOException
{
    public StorageRequestException(string message, int status, string? errorCode, Exception? innerException = null)
        : base(message, innerException)
    {
        Status = status;
        ErrorCode = errorCode;
    }

    /// <summary>The HTTP status the service answered with (0 when no answer arrived).</summary>
    public int Status { get; }

    /// <summary>The service's error code (x-ms-error-code), e.g. AuthenticationFailed, ContainerNotFound.</summary>
    public string? ErrorCode { get; }

    /// <summary>The service's own one-line explanation, when the response carried one.</summary>
    public string? ServiceMessage { get; init; }

    /// <summary>What to change, when the status and error code say it (e.g. create the container, check the account key).</summary>
    public string? Advice { get; init; }

    /// <summary>
    /// True when the same request may succeed later: no answer (network), a timeout, throttling or a server error.
    /// Every other status (401, 403, 404, 409...) repeats until someone changes the configuration or the account.
    /// </summary>
    public bool IsTransient => Status is 0 or 408 or 429 or >= 500;
}
