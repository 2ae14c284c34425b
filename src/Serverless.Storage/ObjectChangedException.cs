namespace Serverless.Storage;

/// <summary>
/// A conditional overwrite lost: the object is no longer the version the caller read (another writer replaced or
/// deleted it since). Read it again, redo the change on what is there now, and retry.
/// </summary>
public sealed class ObjectChangedException : IOException
{
    public ObjectChangedException(string location, string path, string expectedETag)
        : base($"The object '{path}' in {location} is no longer version {expectedETag}: another writer replaced or deleted it since it was read. Read it again and redo the change.")
    {
        Location = location;
        ObjectPath = path;
        ExpectedETag = expectedETag;
    }

    public string Location { get; }

    public string ObjectPath { get; }

    public string ExpectedETag { get; }
}
