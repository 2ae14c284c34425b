using System.Text;
using Azure;

namespace Serverless.Storage.AzureStorage;

/// <summary>
/// Turns what the Azure SDK throws (a <see cref="RequestFailedException"/> with the service's status and error code,
/// or the retry policy's <see cref="AggregateException"/> when no answer came) into a
/// <see cref="StorageRequestException"/> that names the operation, the target and what to fix.
/// </summary>
internal static class AzureStorageErrors
{
    /// <summary>
    /// The exception to throw in place of <paramref name="exception"/>, or null when it is none of the SDK's request
    /// failures (or is the caller's own cancellation) and should pass unchanged. Meant for exception filters.
    /// </summary>
    public static StorageRequestException? Translate(
        Exception exception, string operation, string target, StorageTarget where, CancellationToken cancellationToken) => exception switch
        {
            _ when cancellationToken.IsCancellationRequested => null,
            RequestFailedException { Status: 0 } e => Unreachable(e, operation, target, where),
            RequestFailedException e => Create(e, operation, target, where),
            AggregateException e when e.InnerExceptions.All(IsTransportFailure) => Unreachable(e, operation, target, where),

            // Azure.Core ends an attempt that outlives Retry.NetworkTimeout with a cancellation the caller did not ask for.
            OperationCanceledException e => Unreachable(e, operation, target, where),
            _ => null,
        };

    public static StorageRequestException Create(RequestFailedException exception, string operation, string target, StorageTarget where)
    {
        var code = ErrorCodeOf(exception);
        var text = new StringBuilder()
            .Append(operation).Append(" of ").Append(target).Append(" failed: HTTP ").Append(exception.Status)
            .Append(code is null ? string.Empty : " " + code);
        if (ServiceMessage(exception) is { } message)
        {
            text.Append(" (").Append(message).Append(')');
        }

        if (AdviceFor(exception.Status, code, where) is { } advice)
        {
            text.Append(". ").Append(advice);
        }

        return new StorageRequestException(text.ToString(), exception.Status, code, exception)
        {
            ServiceMessage = ServiceMessage(exception),
            Advice = AdviceFor(exception.Status, code, where),
        };
    }

    /// <summary>
    /// The service's error code. The Tables client reads it only from a JSON body, so an XML answer (as for a failed
    /// signature) leaves it to the x-ms-error-code header every storage service sends.
    /// </summary>
    public static string? ErrorCodeOf(RequestFailedException exception) =>
        exception.ErrorCode ?? (exception.GetRawResponse()?.Headers.TryGetValue("x-ms-error-code", out var code) == true ? code : null);

    private static StorageRequestException Unreachable(Exception exception, string operation, string target, StorageTarget where)
    {
        var cause = exception is AggregateException aggregate ? aggregate.InnerExceptions[^1] : exception;
        return new StorageRequestException(
            $"{operation} of {target} could not reach {where.Location} after retries: {FirstLine(cause.Message)}. "
            + "Check the endpoint URL, DNS and network access (VNet, firewall, private endpoint) to the storage account; "
            + "Azurite must be running for development connection strings.",
            (cause as RequestFailedException)?.Status ?? 0,
            (cause as RequestFailedException)?.ErrorCode,
            exception);
    }

    private static bool IsTransportFailure(Exception e) => e is RequestFailedException { Status: 0 } or IOException or HttpRequestException or OperationCanceledException;

    private static string? AdviceFor(int status, string? code, StorageTarget where) => code switch
    {
        "AuthenticationFailed" or "AuthorizationFailure" when where.Credential == StorageCredentialKind.AccountKey =>
            "The service rejected the Shared Key signature: check the account name and account key in the connection string "
            + "(UseDevelopmentStorage=true uses Azurite's well-known key), that the key was not rotated, that Shared Key access is enabled on the account, "
            + "and that this machine's clock is correct.",
        "AuthenticationFailed" or "InvalidAuthenticationInfo" =>
            "The service rejected the access token: check that the identity belongs to the storage account's tenant and that this machine's clock is correct.",
        "AuthorizationPermissionMismatch" or "AuthorizationFailure" or "AuthorizationResourceTypeMismatch" =>
            $"The identity lacks '{RoleFor(where.Service)}' on {where.Location}: assign it that role on the storage account or "
            + $"{(where.Service == StorageService.Blob ? "container" : "table")} (az role assignment create --role \"{RoleFor(where.Service)}\" --assignee <identity> --scope <account or container id>; "
            + "assignments take a few minutes to apply), and check that the account's firewall allows this network.",
        "ContainerNotFound" =>
            "The container does not exist: create it (az storage container create) or fix the container name in the location URL.",
        "ContainerBeingDeleted" =>
            "The container is being deleted; wait a minute before recreating it, or use another name.",
        "TableNotFound" =>
            "The table does not exist: create it first (az storage table create), or fix the table name.",
        "TableBeingDeleted" =>
            "The table is being deleted; wait a minute before recreating it, or use another name.",
        "AccountIsDisabled" =>
            "The storage account is disabled; enable it in the portal.",
        "InvalidBlockList" =>
            "The uploaded blocks were discarded before commit (another writer replaced the blob meanwhile); retry the upload.",
        "RequestBodyTooLarge" or "EntityTooLarge" or "PropertyValueTooLarge" =>
            "The request is larger than the service accepts; write less at once.",
        _ when status == 403 =>
            $"Access was denied: check the credentials and that the identity has '{RoleFor(where.Service)}' on {where.Location}.",
        _ => null,
    };

    private static string RoleFor(StorageService service) =>
        service == StorageService.Blob ? "Storage Blob Data Contributor" : "Storage Table Data Contributor";

    /// <summary>The service's own explanation: the first line of the SDK's message, unless it is the SDK's generic text.</summary>
    private static string? ServiceMessage(RequestFailedException exception)
    {
        var line = FirstLine(exception.Message);
        return line.Length == 0 || line.StartsWith("Service request failed", StringComparison.Ordinal) || line.StartsWith("Status:", StringComparison.Ordinal)
            ? null
            : line;
    }

    private static string FirstLine(string text)
    {
        var end = text.AsSpan().IndexOfAny('\r', '\n');
        return (end < 0 ? text : text[..end]).Trim();
    }
}
