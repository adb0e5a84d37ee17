import unittest

from queue_sim import (
    ServiceQueue,
)


class ServiceQueueTest(unittest.TestCase):
    def test_an_empty_queue_has_an_empty_schedule(self):
        queue = ServiceQueue()
        self.assertEqual(queue.schedule(), [])
        self.assertEqual(queue.total_wait(), 0)

    def test_a_lone_customer_is_served_on_arrival(self):
        queue = ServiceQueue()
        queue.arrive("ada", 3, 5)
        self.assertEqual(queue.schedule(), [("ada", 0, 3, 8)])

    def test_the_next_customer_waits_for_the_desk(self):
        queue = ServiceQueue()
        queue.arrive("ada", 0, 10)
        queue.arrive("bo", 4, 2)
        self.assertEqual(queue.schedule(), [("ada", 0, 0, 10), ("bo", 0, 10, 12)])
        self.assertEqual(queue.total_wait(), 6)

    def test_arriving_as_the_desk_frees_up_means_no_wait(self):
        queue = ServiceQueue()
        queue.arrive("ada", 0, 4)
        queue.arrive("bo", 4, 1)
        queue.arrive("cy", 9, 1)
        self.assertEqual(queue.schedule(), [("ada", 0, 0, 4), ("bo", 0, 4, 5), ("cy", 0, 9, 10)])
        self.assertEqual(queue.total_wait(), 0)

    def test_two_desks_serve_side_by_side(self):
        queue = ServiceQueue(desks=2)
        queue.arrive("ada", 0, 6)
        queue.arrive("bo", 1, 3)
        queue.arrive("cy", 2, 2)
        queue.arrive("di", 2, 1)
        self.assertEqual(
            queue.schedule(),
            [("ada", 0, 0, 6), ("bo", 1, 1, 4), ("cy", 1, 4, 6), ("di", 0, 6, 7)],
        )
        self.assertEqual(queue.total_wait(), 6)

    def test_arrivals_out_of_order_are_refused(self):
        queue = ServiceQueue()
        queue.arrive("ada", 5, 1)
        with self.assertRaises(ValueError) as err:
            queue.arrive("bo", 4, 1)
        self.assertEqual(type(err.exception), ValueError)
        self.assertEqual(err.exception.args[0], "arrivals must be in time order")
        self.assertEqual(queue.schedule(), [("ada", 0, 5, 6)])

    def test_a_visit_must_take_some_time(self):
        queue = ServiceQueue()
        with self.assertRaises(ValueError) as err:
            queue.arrive("ada", 0, 0)
        self.assertEqual(type(err.exception), ValueError)
        self.assertEqual(err.exception.args[0], "duration must be positive")
