class ServiceQueue:
    def __init__(self, desks=1):
        pass

    def arrive(self, customer, time, duration):
        pass

    def schedule(self):
        pass

    def total_wait(self):
        pass
