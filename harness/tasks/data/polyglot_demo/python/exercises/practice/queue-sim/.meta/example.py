class ServiceQueue:
    def __init__(self, desks=1):
        self.desks = desks
        self.arrivals = []

    def arrive(self, customer, time, duration):
        if self.arrivals and time < self.arrivals[-1][1]:
            raise ValueError("arrivals must be in time order")
        if duration <= 0:
            raise ValueError("duration must be positive")
        self.arrivals.append((customer, time, duration))

    def schedule(self):
        free_at = [0] * self.desks
        plan = []
        for customer, time, duration in self.arrivals:
            desk = min(range(self.desks), key=lambda d: (free_at[d], d))
            start = max(time, free_at[desk])
            free_at[desk] = start + duration
            plan.append((customer, desk, start, start + duration))
        return plan

    def total_wait(self):
        starts = [start for _, _, start, _ in self.schedule()]
        return sum(start - time for start, (_, time, _) in zip(starts, self.arrivals, strict=True))
