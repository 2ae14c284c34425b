using Serverless.Delta.Actions;

namespace Serverless.Delta.Merge;

/// <summary>
/// The live occurrences of one key in the candidate files (file, row, position): nearly always none or one, so the
/// first is held inline and only a key found more than once gets a list. A mutable struct, kept in an array.
/// </summary>
internal struct LiveRows
{
    private (AddFile File, int Row, object? Position) first;
    private List<(AddFile File, int Row, object? Position)>? more;

    public int Count { get; private set; }

    public readonly (AddFile File, int Row, object? Position) this[int index] => index == 0 ? first : more![index - 1];

    public void Add(AddFile file, int row, object? position)
    {
        if (Count == 0)
        {
            first = (file, row, position);
        }
        else
        {
            (more ??= []).Add((file, row, position));
        }

        Count++;
    }
}
