using Miraie.SafeMail.Storage;
using Npgsql;

namespace Miraie.SafeMail.Gateway.Tests.Storage;

/// <summary>What the gateway adds to an operator's PostgreSQL connection string, and what it leaves as written.</summary>
public class DatabaseSettingsTests
{
    [Test]
    public void Statements_are_prepared_automatically_unless_the_connection_string_says_otherwise()
    {
        Completed("Host=db.example.jp;Database=safemail").MaxAutoPrepare.Should().Be(DatabaseSettings.DefaultMaxAutoPrepare).And.BePositive();
        Completed("Host=db.example.jp;Max Auto Prepare=0").MaxAutoPrepare.Should().Be(0, "an operator who turned it off keeps it off");
        Completed("Host=db.example.jp;MaxAutoPrepare=5").MaxAutoPrepare.Should().Be(5);
    }

    [Test]
    public void The_password_comes_from_the_environment_and_the_timeout_is_short_unless_set()
    {
        var completed = Completed("Host=db.example.jp", "s3cret");
        completed.Password.Should().Be("s3cret");
        completed.Timeout.Should().Be(5);
        completed.ApplicationName.Should().Be("safemail node-a");
        Completed("Host=db.example.jp;Timeout=30").Timeout.Should().Be(30);
    }

    private static NpgsqlConnectionStringBuilder Completed(string connectionString, string? password = null) =>
        new(DatabaseSettings.PostgreSql(connectionString, password, "safemail node-a"));
}
