namespace Serverless.MySql.Replication;

/// <summary>A closed range of transaction numbers of one server, <c>First-Last</c> as in <c>uuid:1-5</c>.</summary>
public readonly record struct GtidInterval(long First, long Last)
{
    public bool Contains(long number) => number >= First && number <= Last;

    public override string ToString() => First == Last ? First.ToString(System.Globalization.CultureInfo.InvariantCulture) : $"{First}-{Last}";
}
