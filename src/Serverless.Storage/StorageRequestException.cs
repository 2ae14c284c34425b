namespace Serverless.Storage;

/// <summary>
/// A storage service refused a request for a reason the caller must fix (credentials, permissions, a missing
/// container, a malformed request). The message names the operation, the target and what to change.
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
}
