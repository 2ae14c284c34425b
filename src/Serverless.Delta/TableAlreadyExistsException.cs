namespace Serverless.Delta;

/// <summary>CreateAsync found a table (version 0 exists) at the location.</summary>
public sealed class TableAlreadyExistsException : DeltaException
{
    public TableAlreadyExistsException(string location)
        : base($"A Delta table already exists at {location} (its _delta_log has version 0). Open it instead, or choose another location.")
    {
    }
}
