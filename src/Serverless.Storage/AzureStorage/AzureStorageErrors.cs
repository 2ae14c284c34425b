using System.Text;
using System.Text.Json;
using System.Xml;
using Azure;

namespace Serverless.Storage.AzureStorage;

/// <summary>How requests are authorised, which decides what a 403 most likely means.</summary>
internal enum StorageCredentialKind
{
    AccountKey,
    Token,
}

/// <summary>Turns an error response from Blob or Table storage into an exception that says what to fix.</summary>
internal static class AzureStorageErrors
{
    private const int MaxErrorBodyBytes = 64 * 1024;

    public static string? ErrorCodeOf(Response response) =>
        response.Headers.TryGetValue("x-ms-error-code", out var code) ? code : null;

    public static StorageRequestException Create(Response response, string operation, string target, StorageCredentialKind credential)
    {
        var (bodyCode, serviceMessage) = ReadBody(response);
        var code = ErrorCodeOf(response) ?? bodyCode;
        var advice = AdviceFor(response.Status, code, credential);
        var text = new StringBuilder()
            .Append(operation).Append(" of ").Append(target).Append(" failed: HTTP ").Append(response.Status)
            .Append(code is null ? string.Empty : " " + code);
        if (!string.IsNullOrWhiteSpace(serviceMessage))
        {
            text.Append(" (").Append(FirstLine(serviceMessage)).Append(')');
        }

        if (advice is not null)
        {
            text.Append(". ").Append(advice);
        }

        return new StorageRequestException(text.ToString(), response.Status, code)
        {
            ServiceMessage = string.IsNullOrWhiteSpace(serviceMessage) ? null : FirstLine(serviceMessage),
            Advice = advice,
        };
    }

    private static string? AdviceFor(int status, string? code, StorageCredentialKind credential) => code switch
    {
        "AuthenticationFailed" or "AuthorizationFailure" when credential == StorageCredentialKind.AccountKey =>
            "The service rejected the Shared Key signature: check the account name and account key in the connection string "
            + "(UseDevelopmentStorage=true uses Azurite's well-known key), that the key was not rotated, that Shared Key access is enabled on the account, "
            + "and that this machine's clock is correct.",
        "AuthenticationFailed" =>
            "The service rejected the access token: check that the identity belongs to the storage account's tenant and that this machine's clock is correct.",
        "AuthorizationPermissionMismatch" or "AuthorizationFailure" or "AuthorizationResourceTypeMismatch" =>
            "The identity is not allowed to do this: assign it the 'Storage Blob Data Contributor' role (for tables 'Storage Table Data Contributor') "
            + "on the storage account or container (assignments take a few minutes to apply), and check the account's firewall allows this network.",
        "ContainerNotFound" =>
            "The container does not exist: create it (az storage container create) or fix the container name in the location URL.",
        "ContainerBeingDeleted" =>
            "The container is being deleted; wait a minute before recreating it, or use another name.",
        "TableNotFound" =>
            "The table does not exist: create it first, or fix the table name.",
        "AccountIsDisabled" =>
            "The storage account is disabled; enable it in the portal.",
        "InvalidBlockList" =>
            "The uploaded blocks were discarded before commit (another writer replaced the blob meanwhile); retry the upload.",
        _ when status == 403 =>
            "Access was denied: check the credentials and the identity's role assignments on the storage account.",
        _ => null,
    };

    private static (string? Code, string? Message) ReadBody(Response response)
    {
        var stream = response.ContentStream;
        if (stream is null)
        {
            return (null, null);
        }

        try
        {
            var buffer = new byte[MaxErrorBodyBytes];
            var length = 0;
            int n;
            while (length < buffer.Length && (n = stream.Read(buffer, length, buffer.Length - length)) > 0)
            {
                length += n;
            }

            var body = buffer.AsSpan(0, length);
            var trimmed = body.TrimStart("\uFEFF"u8).TrimStart(" \r\n\t"u8);
            if (trimmed.IsEmpty)
            {
                return (null, null);
            }

            return trimmed[0] == (byte)'{' ? ReadJsonError(trimmed) : ReadXmlError(trimmed.ToArray());
        }
        catch (Exception e) when (e is IOException or XmlException or JsonException or ObjectDisposedException)
        {
            return (null, null);
        }
    }

    private static (string? Code, string? Message) ReadXmlError(byte[] body)
    {
        string? code = null;
        string? message = null;
        using var reader = XmlReader.Create(new MemoryStream(body), new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit });
        while (reader.Read())
        {
            if (reader.NodeType != XmlNodeType.Element)
            {
                continue;
            }

            if (reader.LocalName == "Code")
            {
                code = reader.ReadElementContentAsString();
            }
            else if (reader.LocalName == "Message")
            {
                message = reader.ReadElementContentAsString();
            }
        }

        return (code, message);
    }

    private static (string? Code, string? Message) ReadJsonError(ReadOnlySpan<byte> body)
    {
        var reader = new Utf8JsonReader(body);
        using var document = JsonDocument.ParseValue(ref reader);
        foreach (var property in document.RootElement.EnumerateObject())
        {
            if (property.Value.ValueKind != JsonValueKind.Object)
            {
                continue;
            }

            var code = property.Value.TryGetProperty("code", out var c) ? c.GetString() : null;
            string? message = null;
            if (property.Value.TryGetProperty("message", out var m))
            {
                message = m.ValueKind == JsonValueKind.Object && m.TryGetProperty("value", out var v) ? v.GetString() : m.ToString();
            }

            return (code, message);
        }

        return (null, null);
    }

    private static string FirstLine(string text)
    {
        var end = text.IndexOfAny(['\r', '\n']);
        return end < 0 ? text.Trim() : text[..end].Trim();
    }
}
