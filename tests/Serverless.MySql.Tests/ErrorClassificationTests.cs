using Serverless.MySql.Client;
using Serverless.MySql.Protocol;
using Xunit;

namespace Serverless.MySql.Tests;

/// <summary>
/// <see cref="MySqlException.IsTransient"/> on the errors servers send: what passes with a retry on a new connection
/// (deadlocks, lock waits, shutdown, limits) and what repeats until someone changes the configuration.
/// </summary>
public sealed class ErrorClassificationTests
{
    [Theory]
    [InlineData(1205, "40001")] // lock wait timeout
    [InlineData(1213, "40001")] // deadlock
    [InlineData(1053, "08S01")] // server shutdown in progress
    [InlineData(1040, "08004")] // too many connections
    [InlineData(1927, "70100")] // connection killed
    [InlineData(1412, "HY000")] // table definition changed since the consistent snapshot began
    public void ServerErrorsThatPassWithARetryAreTransient(int number, string state) =>
        Assert.True(ErrorPacket.Create(number, state, "server text").IsTransient);

    [Theory]
    [InlineData(1045, "28000")] // access denied (wrong password, unknown user)
    [InlineData(1130, "HY000")] // host not allowed
    [InlineData(1049, "42000")] // unknown database
    [InlineData(1142, "42000")] // table access denied
    [InlineData(1146, "42S02")] // no such table
    [InlineData(1064, "42000")] // syntax error
    [InlineData(3159, "HY000")] // TLS required by the server
    public void ServerErrorsThatRepeatUntilFixedArePermanent(int number, string state) =>
        Assert.False(ErrorPacket.Create(number, state, "server text").IsTransient);

    [Theory]
    [InlineData(MySqlErrorKind.ConnectionRefused, true)]
    [InlineData(MySqlErrorKind.ConnectionClosed, true)]
    [InlineData(MySqlErrorKind.Timeout, true)]
    [InlineData(MySqlErrorKind.HostUnreachable, true)]
    [InlineData(MySqlErrorKind.TlsFailed, false)]
    [InlineData(MySqlErrorKind.AuthenticationMethodNotSupported, false)]
    [InlineData(MySqlErrorKind.Protocol, false)]
    public void ClientSideFailuresAreClassifiedByKind(MySqlErrorKind kind, bool transient) =>
        Assert.Equal(transient, new MySqlException(kind, "client text").IsTransient);
}
