"""The demo school's online counseling: two conversations, one with an unread reply."""

from counseling.messaging import services
from counseling.messaging.models import Conversation


def seed(users, counselees, log=print):
    if Conversation.objects.exists():
        return
    siti, rina = counselees["siswa1"].user, users["konselor1"]
    conversation = services.open_conversation(siti, rina, by=siti)
    services.send(
        conversation,
        by=siti,
        body="Bu, aku mau cerita soal ujian minggu depan. Aku susah tidur terus.",
    )
    services.send(
        conversation,
        by=rina,
        body="Terima kasih sudah menulis, Siti. Besok jam istirahat kita bisa bicara di ruang BK.",
    )
    rizky, budi = counselees["siswa4"].user, users["konselor2"]
    conversation = services.open_conversation(rizky, budi, by=rizky)
    services.send(conversation, by=rizky, body="Pak, boleh saya tanya soal jadwal kemarin?")
    services.send(conversation, by=budi, body="Boleh, Rizky. Silakan tulis di sini.")
    services.send(conversation, by=rizky, body="Terima kasih, Pak. Nanti saya tulis lagi.")
    log("Konseling daring: siswa1 dengan konselor1 (balasan belum dibaca), siswa4 dengan konselor2")
