-- Recording a delivery changes its state; keeping state out of the per-message index saves one
-- index write per delivery. Delivery counts read the message's rows through the narrower index.
DROP INDEX notifications_message;
CREATE INDEX notifications_message ON notifications(message_id);
