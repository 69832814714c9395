using System.Text.Json;
using Achievements.Api.Features.Awards;
using Achievements.Api.Infrastructure.Storage;
using Achievements.Api.Tests.Infrastructure;
using Dapper;

namespace Achievements.Api.Tests.Features;

/// <summary>
/// The cache's versioning with the interleavings written out: a read that began before a write's commit was
/// forgotten must never be kept as current, whichever order its store and the forgetting happen in.
/// </summary>
public sealed class DirectoryCacheTests
{
    private static DirectoryEntry Entry(string employee, string? displayName = null) =>
        new(new EmployeeBadges(employee, displayName, null, []), JsonSerializerOptions.Web);

    [Fact]
    public void A_read_stored_after_the_write_it_raced_was_forgotten_is_not_kept()
    {
        var cache = new DirectoryCache();
        Assert.False(cache.TryGet("ada", out _, out var ticket));
        // The read queried the old row; the writer then committed and forgot; only then does the read store.
        cache.Forget("ada");
        cache.Store(ticket, Entry("ada", "old name"));

        Assert.False(cache.TryGet("ada", out _, out _));
    }

    [Fact]
    public void A_read_stored_before_the_write_it_raced_was_forgotten_is_dropped_by_the_forgetting()
    {
        var cache = new DirectoryCache();
        cache.TryGet("ada", out _, out var ticket);
        cache.Store(ticket, Entry("ada", "old name"));
        Assert.True(cache.TryGet("ada", out _, out _));

        cache.Forget("ada");

        Assert.False(cache.TryGet("ada", out _, out _));
    }

    [Fact]
    public void A_read_that_began_after_the_forgetting_is_kept_and_served()
    {
        var cache = new DirectoryCache();
        cache.TryGet("ada", out _, out var stale);
        cache.Forget("ada");
        cache.TryGet("ada", out _, out var fresh);
        cache.Store(fresh, Entry("ada", "new name"));
        cache.Store(stale, Entry("ada", "old name"));

        Assert.True(cache.TryGet("ada", out var entry, out _));
        Assert.Equal("new name", entry.Badges.DisplayName);
    }

    [Fact]
    public void Forgetting_everyone_drops_kept_entries_and_refuses_reads_that_began_before_it()
    {
        var cache = new DirectoryCache();
        cache.TryGet("ada", out _, out var ada);
        cache.Store(ada, Entry("ada"));
        cache.TryGet("bob", out _, out var bob);

        cache.ForgetEveryone();
        cache.Store(bob, Entry("bob"));

        Assert.False(cache.TryGet("ada", out _, out _));
        Assert.False(cache.TryGet("bob", out _, out _));
    }

    [Fact]
    public void Forgetting_one_employee_keeps_the_others()
    {
        var cache = new DirectoryCache();
        cache.TryGet("ada", out _, out var ada);
        cache.TryGet("bob", out _, out var bob);
        cache.Store(ada, Entry("ada"));
        cache.Store(bob, Entry("bob"));

        cache.Forget("ada");

        Assert.False(cache.TryGet("ada", out _, out _));
        Assert.True(cache.TryGet("bob", out _, out _));
    }

    [Fact]
    public async Task A_fill_that_raced_a_write_keeps_everyone_but_the_employee_written()
    {
        var cache = new DirectoryCache();
        Assert.True(cache.NeedsFill);

        await cache.FillAsync(_ =>
        {
            // The write commits while the fill is reading.
            cache.Forget("ada");
            return Task.FromResult<IEnumerable<DirectoryEntry>>([Entry("ada", "old name"), Entry("bob")]);
        });

        Assert.False(cache.NeedsFill);
        Assert.False(cache.TryGet("ada", out _, out _));
        Assert.True(cache.TryGet("bob", out _, out _));
    }

    [Fact]
    public async Task Work_after_a_commit_runs_once_the_change_is_visible_and_never_after_a_rollback()
    {
        var path = AchievementsApp.NewDatabasePath();
        try
        {
            await using var connection = TestStore.Connect(path);
            await connection.OpenAsync(TestContext.Current.CancellationToken);
            await connection.ExecuteAsync("CREATE TABLE t (x INTEGER)");
            long? seenAfterCommit = null;

            await connection.InTransactionAsync(async (transaction, afterCommit) =>
            {
                await connection.ExecuteAsync("INSERT INTO t VALUES (1)", transaction: transaction);
                afterCommit.Add(() =>
                {
                    using var other = TestStore.Connect(path);
                    seenAfterCommit = other.ExecuteScalar<long>("SELECT COUNT(*) FROM t");
                });
                return 0;
            }, TestContext.Current.CancellationToken);
            Assert.Equal(1, seenAfterCommit);

            var ranAfterRollback = false;
            await Assert.ThrowsAsync<InvalidOperationException>(() => connection.InTransactionAsync<int>(async (transaction, afterCommit) =>
            {
                await connection.ExecuteAsync("INSERT INTO t VALUES (2)", transaction: transaction);
                afterCommit.Add(() => ranAfterRollback = true);
                throw new InvalidOperationException("The write fails after its change was recorded.");
            }, TestContext.Current.CancellationToken));
            Assert.False(ranAfterRollback);
            // A transaction begun elsewhere cannot take such work at all: an AfterCommit exists only inside InTransactionAsync.
        }
        finally
        {
            AchievementsApp.DeleteDatabase(path);
        }
    }
}
