namespace Achievements.Api.Simulation;

/// <summary>
/// A clock that never moves, so that the same seed settles, caps and windows exactly the same way on every
/// run. (The testing package's FakeTimeProvider is for tests; the service does not reference it.)
/// </summary>
internal sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
