using System.Collections.Concurrent;

namespace Achievements.Api.Features.Awards;

/// <summary>
/// The directory entries this app instance has read, per employee, so that a directory read costs a lookup
/// instead of two queries. A singleton per app (never static: tests run many apps in one process), and it is
/// only right while this process is the one writer of the database: a row written behind its back is not seen.
/// </summary>
/// <remarks>
/// Every write that can change an entry forgets it once its transaction has committed: the award ledger for every
/// award change, employee updates, and badge publish, archive and seeding (decision 0008). A read that raced such a commit may have read the old rows; it must never be
/// kept as current. So a reader takes a <see cref="Ticket"/> (the clock) before it queries, and its entry counts
/// only while no invalidation of that employee, or of everyone, has happened since: forgetting ticks the
/// clock after the commit, so it is always later than the ticket of any read that could have missed the change.
/// </remarks>
internal sealed class DirectoryCache
{
    /// <summary>Past this many employees everything is forgotten at once, so memory stays bounded.</summary>
    public const int Capacity = 50_000;

    /// <summary>At most this many employees are read in one pass; the others one at a time as they are asked for.</summary>
    public const int FillLimit = Capacity / 2;

    private readonly ConcurrentDictionary<string, Slot> _slots = new(StringComparer.Ordinal);
    private readonly Lock _everyoneGate = new();
    private long _clock;
    private long _everyoneForgottenAt;
    private long _fillWantedAt;
    private long _filledAt = -1;
    private Task? _filling;

    /// <summary>When a read began: its entry is stored only if nothing was forgotten since.</summary>
    public readonly record struct Ticket(string EmployeeId, long ReadAt);

    /// <summary>The current entry of an employee, or a ticket to read it with and then <see cref="Store"/> it.</summary>
    public bool TryGet(string employeeId, out DirectoryEntry entry, out Ticket ticket)
    {
        var readAt = Volatile.Read(ref _clock);
        ticket = new Ticket(employeeId, readAt);
        if (_slots.TryGetValue(employeeId, out var slot) && slot.Entry is { } cached && IsCurrent(cached.ReadAt, slot))
        {
            entry = cached.Entry;
            return true;
        }

        entry = null!;
        return false;
    }

    /// <summary>Keeps what a read found, unless the employee or everyone was forgotten after its ticket was taken.</summary>
    public void Store(Ticket ticket, DirectoryEntry entry)
    {
        var slot = SlotOf(ticket.EmployeeId);
        lock (slot.Gate)
        {
            if (IsCurrent(ticket.ReadAt, slot) && (slot.Entry is null || slot.Entry.ReadAt <= ticket.ReadAt))
            {
                slot.Entry = new Stamped(ticket.ReadAt, entry);
            }
        }
    }

    /// <summary>Forgets one employee's entry; call after the change has committed.</summary>
    public void Forget(string employeeId)
    {
        while (true)
        {
            // The slot is made if missing: a read in flight without one must still learn that it is too old.
            var slot = SlotOf(employeeId);
            lock (slot.Gate)
            {
                // Ticked inside the lock, so a slot's mark only ever moves forward.
                Volatile.Write(ref slot.ForgottenAt, Interlocked.Increment(ref _clock));
                slot.Entry = null;
            }

            // Marked a slot that a clear-out had just dropped? Mark the one readers now find instead.
            if (_slots.TryGetValue(employeeId, out var current) && ReferenceEquals(current, slot))
            {
                return;
            }
        }
    }

    /// <summary>Forgets every entry (a badge's name, icon or status changed); call after the change has committed.</summary>
    public void ForgetEveryone()
    {
        lock (_everyoneGate)
        {
            var now = Interlocked.Increment(ref _clock);
            Volatile.Write(ref _everyoneForgottenAt, now);
            Volatile.Write(ref _fillWantedAt, now);
        }
    }

    /// <summary>True until everyone has been read in one pass since the app started or everyone was last forgotten.</summary>
    public bool NeedsFill => Volatile.Read(ref _filledAt) < Volatile.Read(ref _fillWantedAt);

    /// <summary>
    /// Reads everyone's entry in one pass (two queries instead of two per employee) and keeps each under one ticket.
    /// Concurrent callers share the one pass; it runs without their cancellation, since others wait on it too.
    /// </summary>
    public Task FillAsync(Func<CancellationToken, Task<IEnumerable<DirectoryEntry>>> readEveryone)
    {
        lock (_everyoneGate)
        {
            return !NeedsFill ? Task.CompletedTask : _filling ??= FillOnceAsync(readEveryone);
        }
    }

    private async Task FillOnceAsync(Func<CancellationToken, Task<IEnumerable<DirectoryEntry>>> readEveryone)
    {
        try
        {
            await Task.Yield();
            var readAt = Volatile.Read(ref _clock);
            foreach (var entry in await readEveryone(CancellationToken.None))
            {
                Store(new Ticket(entry.Badges.Employee, readAt), entry);
            }

            lock (_everyoneGate)
            {
                _filledAt = Math.Max(_filledAt, readAt);
            }
        }
        finally
        {
            lock (_everyoneGate)
            {
                _filling = null;
            }
        }
    }

    private bool IsCurrent(long readAt, Slot slot) =>
        readAt >= Volatile.Read(ref slot.ForgottenAt) && readAt >= Volatile.Read(ref _everyoneForgottenAt);

    private Slot SlotOf(string employeeId)
    {
        if (_slots.TryGetValue(employeeId, out var slot))
        {
            return slot;
        }

        if (_slots.Count >= Capacity)
        {
            // Everyone first, then the slots: an entry read before this can no longer count, whatever its slot says.
            // No new fill is wanted: it would only fill the slots up again.
            lock (_everyoneGate)
            {
                Volatile.Write(ref _everyoneForgottenAt, Interlocked.Increment(ref _clock));
            }

            _slots.Clear();
        }

        return _slots.GetOrAdd(employeeId, static _ => new Slot());
    }

    private sealed record Stamped(long ReadAt, DirectoryEntry Entry);

    private sealed class Slot
    {
        public readonly Lock Gate = new();
        public long ForgottenAt;
        public volatile Stamped? Entry;
    }
}
