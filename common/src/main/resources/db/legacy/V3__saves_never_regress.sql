-- Belt and braces for the fencing every saver does in its WHERE clause: no update may take a
-- character's epoch or save sequence backwards. A save that would is refused with an error (and
-- its transaction with it) instead of overwriting newer state.
CREATE FUNCTION character_fencing_never_regresses() RETURNS trigger AS $$
BEGIN
    IF NEW.epoch < OLD.epoch OR NEW.save_seq < OLD.save_seq THEN
        RAISE EXCEPTION 'character %: epoch %, save % would overwrite epoch %, save %',
            OLD.character_id, NEW.epoch, NEW.save_seq, OLD.epoch, OLD.save_seq;
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER character_fencing_never_regresses BEFORE UPDATE ON character
    FOR EACH ROW EXECUTE FUNCTION character_fencing_never_regresses();
